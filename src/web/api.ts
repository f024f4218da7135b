/**
 * Talking to the server. A token (servers on a non-loopback address need one) comes once from the
 * address's fragment (`#token=…`, never sent over the network by the browser) or from the form the
 * dashboard shows after a 401; it is kept for the tab's session and removed from the address, so a
 * shared link never carries it.
 */
import type { AnalysisDocument, TrustPartsDocument } from "../server/analysis.ts";
import type { BudgetPlanResponse } from "../server/budget-plans.ts";
import type { FilterChoices } from "../server/filter-choices.ts";

const TOKEN_KEY = "channelscope-token";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Moves a `#token=` fragment into session storage and out of the address bar. */
export function adoptTokenFromFragment(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match?.[1]) return;
  setToken(decodeURIComponent(match[1]));
  history.replaceState(history.state, "", location.pathname + location.search);
}

export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch(path, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    ...(signal ? { signal } : {}),
  });
  const body = (await response.json().catch(() => null)) as { error?: string; problems?: string[] } | null;
  if (!response.ok) {
    throw new ApiError(response.status, body?.error ?? `HTTP ${response.status}`, body?.problems ?? []);
  }
  return body as T;
}

export function fetchChoices(): Promise<FilterChoices> {
  return getJson<FilterChoices>("/api/filters");
}

/**
 * The analysis for `query`. `intervals` asks for the trust numbers (issue 10: intervals,
 * concentration, forecasts) explicitly, whatever the server's default; the page draws without them
 * when a response lacks them.
 */
export function fetchAnalysis(
  query: URLSearchParams,
  signal: AbortSignal,
  { intervals = true }: { intervals?: boolean } = {},
): Promise<AnalysisDocument> {
  const asked = new URLSearchParams(query);
  if (intervals) asked.set("intervals", "1");
  const text = asked.toString();
  return getJson<AnalysisDocument>(`/api/analysis${text ? `?${text}` : ""}`, signal);
}

/**
 * Only what the intervals add to the point document of `query` (`intervals=1&parts=trust`, see
 * trust-parts.ts): the dashboard's second request for a filter, merged into its first answer.
 */
export function fetchTrustParts(query: URLSearchParams, signal: AbortSignal): Promise<TrustPartsDocument> {
  const asked = new URLSearchParams(query);
  asked.set("intervals", "1");
  asked.set("parts", "trust");
  return getJson<TrustPartsDocument>(`/api/analysis?${asked.toString()}`, signal);
}

/** The budget plan for the same view (seconds when not cached: the panel asks for it on its own). */
export function fetchBudgetPlan(query: URLSearchParams, signal: AbortSignal): Promise<BudgetPlanResponse> {
  const text = query.toString();
  return getJson<BudgetPlanResponse>(`/api/budget${text ? `?${text}` : ""}`, signal);
}
