import { en, type MessageKey, type Messages } from "./en.ts";
import { ru } from "./ru.ts";

export type { MessageKey, Messages } from "./en.ts";
export * from "./format.ts";

export const LANGS = ["en", "ru"] as const;
export type Lang = (typeof LANGS)[number];

const DICTIONARIES: Record<Lang, Messages> = { en, ru };

/**
 * The text of `key` in `lang`, with `{name}` placeholders replaced from `params`. A placeholder
 * without a value is an error: a half-filled title is worse than a crash in a test.
 */
export function t(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  return DICTIONARIES[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`i18n: "${key}" needs the parameter {${name}}`);
    return String(v);
  });
}

/** `t` for keys built at run time (e.g. `device.${name}`): falls back to `fallback` when unknown. */
export function tMaybe(lang: Lang, key: string, fallback: string): string {
  const dict = DICTIONARIES[lang] as Record<string, string>;
  return Object.hasOwn(dict, key) ? dict[key]! : fallback;
}
