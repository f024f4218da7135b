"""The seed notebook's metrics in pandas, for `npm run bench -- --compare pandas`.

What a marketing analyst's notebook on the Afisha exports computes (the seed write-ups in
../shared/seeds/): product metrics (DAU/WAU/MAU, sessions per user per day, session length, monthly
retention), e-commerce metrics (conversion lag, orders per buyer and LTV by cohort over six months,
AOV by month, LTV by source and device) and marketing metrics (spend, CAC, ROMI and payback by cohort
and source), with first-touch attribution. Numbers only: no figures, no report.

Written the way a careful notebook would be (vectorised groupbys, no Python loops over rows), so the
comparison is with pandas at its idiomatic best, not with a straw man. It does less than channelscope
(one attribution model, no audit, no figures), which the bench says when it prints the ratio.

    python3 bench/pandas/notebook.py VISITS.csv ORDERS.csv COSTS.csv OUT.json [--horizon 6]
"""

import argparse
import json
import time

import numpy as np
import pandas as pd


def month_diff(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """Whole calendar months between two Period[M] series."""
    return (later.dt.year - earlier.dt.year) * 12 + (later.dt.month - earlier.dt.month)


def read_inputs(visits_path: str, orders_path: str, costs_path: str):
    # Ids as text: 20-digit ids do not fit int64, and the spec treats them as opaque.
    visits = pd.read_csv(
        visits_path,
        dtype={"Device": "category", "Source Id": "string", "Uid": "string"},
    )
    orders = pd.read_csv(orders_path, dtype={"Uid": "string"})
    costs = pd.read_csv(costs_path, dtype={"source_id": "string"})
    visits.columns = ["device", "end_ts", "source_id", "start_ts", "uid"]
    orders.columns = ["buy_ts", "revenue", "uid"]
    costs.columns = ["source_id", "dt", "costs"]
    fmt = "%Y-%m-%d %H:%M:%S"
    visits["start_ts"] = pd.to_datetime(visits["start_ts"], format=fmt, errors="coerce")
    visits["end_ts"] = pd.to_datetime(visits["end_ts"], format=fmt, errors="coerce")
    orders["buy_ts"] = pd.to_datetime(orders["buy_ts"], format=fmt, errors="coerce")
    orders["revenue"] = pd.to_numeric(orders["revenue"], errors="coerce")
    costs["dt"] = pd.to_datetime(costs["dt"], format="%Y-%m-%d", errors="coerce")
    costs["costs"] = pd.to_numeric(costs["costs"], errors="coerce")
    # The notebook's cleaning: unusable rows out, exact duplicates out.
    visits = visits.dropna(subset=["uid", "source_id", "device", "start_ts"]).drop_duplicates()
    orders = orders.dropna().query("revenue >= 0").drop_duplicates()
    costs = costs.dropna().query("costs >= 0").drop_duplicates()
    return visits, orders, costs


def product_metrics(visits: pd.DataFrame, out: dict) -> None:
    visits["day"] = visits["start_ts"].dt.normalize()
    visits["week"] = visits["start_ts"].dt.to_period("W")
    visits["month"] = visits["start_ts"].dt.to_period("M")
    dau = visits.groupby("day")["uid"].nunique()
    wau = visits.groupby("week")["uid"].nunique()
    mau = visits.groupby("month")["uid"].nunique()
    sessions_per_day = visits.groupby("day").size()
    out["dau"] = float(dau.mean())
    out["wau"] = float(wau.mean())
    out["mau"] = float(mau.mean())
    out["sticky_wau"] = out["dau"] / out["wau"]
    out["sticky_mau"] = out["dau"] / out["mau"]
    out["sessions_per_user_day"] = float((sessions_per_day / dau).mean())

    length = (visits["end_ts"] - visits["start_ts"]).dt.total_seconds()
    length = length[length >= 0]
    out["session_mean_s"] = float(length.mean())
    out["session_median_s"] = float(length.median())
    out["session_mode_s"] = float(length.mode().iloc[0])
    out["session_histogram"] = np.histogram(length.clip(upper=3600), bins=60)[0].tolist()

    first = visits.groupby("uid")["start_ts"].min().dt.to_period("M").rename("cohort")
    activity = visits[["uid", "month"]].drop_duplicates().join(first, on="uid")
    activity["lifetime"] = month_diff(activity["month"], activity["cohort"])
    retention = activity.pivot_table(index="cohort", columns="lifetime", values="uid", aggfunc="nunique")
    retention = retention.div(retention[0], axis=0)
    out["retention_month1_mean"] = float(retention[1].mean()) if 1 in retention else None
    out["retention"] = {str(c): row.dropna().round(6).tolist() for c, row in retention.iterrows()}


def ecommerce_metrics(visits: pd.DataFrame, orders: pd.DataFrame, horizon: int, out: dict) -> dict:
    # Each user's first session (first touch): one sort, keep the first row per user.
    first_visit = (
        visits.sort_values("start_ts", kind="stable")
        .drop_duplicates("uid")
        .set_index("uid")[["start_ts", "source_id", "device"]]
        .rename(columns={"start_ts": "first_ts"})
    )
    first_visit["cohort"] = first_visit["first_ts"].dt.to_period("M")
    first_order = orders.groupby("uid")["buy_ts"].min().rename("first_order")
    buyers = first_order.to_frame().join(first_visit, how="left")
    lag = (buyers["first_order"] - buyers["first_ts"]).dt.total_seconds() / 86400
    measured = lag[lag >= 0]
    out["buyers"] = int(len(buyers))
    out["conversion_lag_mean_days"] = float(measured.mean())
    out["conversion_lag_median_days"] = float(measured.median())
    days = np.floor(measured)
    buckets = pd.cut(days, [-1, 0, 1, 7, 30, np.inf], labels=["0d", "1d", "2-7d", "8-30d", "31+d"])
    out["conversion_lag_buckets"] = buckets.value_counts(normalize=True).sort_index().round(6).to_dict()
    by_source = pd.DataFrame({"lag": lag, "source": buyers["source_id"], "cohort": buyers["cohort"]})
    by_source = by_source[by_source["lag"] >= 0]
    out["conversion_lag_by_source"] = by_source.groupby("source")["lag"].mean().round(6).to_dict()
    out["conversion_lag_by_cohort"] = {
        str(k): v for k, v in by_source.groupby("cohort")["lag"].mean().round(6).to_dict().items()
    }
    users_by_cohort = first_visit.groupby("cohort").size()
    buyers_by_cohort = buyers.dropna(subset=["cohort"]).groupby("cohort").size()
    out["conversion_rate"] = float(buyers["first_ts"].notna().sum() / len(first_visit))
    out["conversion_by_cohort"] = {str(k): float(v) for k, v in (buyers_by_cohort / users_by_cohort).items()}

    orders = orders.join(first_order, on="uid")
    orders["month"] = orders["buy_ts"].dt.to_period("M")
    orders["cohort"] = orders["first_order"].dt.to_period("M")
    orders["lifetime"] = month_diff(orders["month"], orders["cohort"])
    aov = orders.groupby("month").agg(orders=("revenue", "size"), revenue=("revenue", "sum"))
    out["aov"] = float(orders["revenue"].mean())
    out["aov_by_month"] = {str(m): float(r) for m, r in (aov["revenue"] / aov["orders"]).items()}
    cohort_size = orders.groupby("cohort")["uid"].nunique()
    report = orders.groupby(["cohort", "lifetime"]).agg(n_orders=("revenue", "size"), revenue=("revenue", "sum"))
    report = report.reset_index().join(cohort_size.rename("n_buyers"), on="cohort")
    report["ltv"] = report["revenue"] / report["n_buyers"]
    ltv = report.pivot_table(index="cohort", columns="lifetime", values="ltv", aggfunc="sum").cumsum(axis=1)
    last_month = orders["month"].max()
    observed = pd.DataFrame(
        {k: month_diff(pd.Series([last_month] * len(ltv), index=ltv.index), ltv.index.to_series()) >= k for k in ltv}
    )
    ltv = ltv.where(observed)
    mature = ltv[horizon - 1].dropna() if horizon - 1 in ltv else pd.Series(dtype=float)
    out["ltv_h_cohort_mean"] = float(mature.mean())
    out["ltv"] = {str(c): row.dropna().round(6).tolist() for c, row in ltv.iterrows()}
    per_buyer = report.pivot_table(index="cohort", columns="lifetime", values="n_orders", aggfunc="sum")
    per_buyer = per_buyer.div(cohort_size, axis=0).cumsum(axis=1).where(observed)
    out["orders_per_buyer_h"] = float(per_buyer[horizon - 1].dropna().mean()) if horizon - 1 in per_buyer else None

    # LTV at H months per source and device (first touch), over the buyers of mature cohorts.
    mature_cohorts = set(mature.index)
    early = orders[(orders["lifetime"] < horizon) & orders["cohort"].isin(mature_cohorts)]
    revenue_h = early.groupby("uid")["revenue"].sum()
    mature_buyers = buyers[buyers["first_order"].dt.to_period("M").isin(mature_cohorts)].join(revenue_h.rename("rev_h"))
    mature_buyers["rev_h"] = mature_buyers["rev_h"].fillna(0)
    mature_buyers["source_id"] = mature_buyers["source_id"].astype("string").fillna("unattributed")
    out["ltv_h"] = float(mature_buyers["rev_h"].mean())
    out["ltv_h_by_source"] = mature_buyers.groupby("source_id")["rev_h"].mean().round(6).to_dict()
    out["ltv_h_by_device"] = mature_buyers.groupby("device", observed=True)["rev_h"].mean().round(6).to_dict()
    return {
        "buyers": buyers,
        "orders": orders,
        "ltv": ltv,
        "cohort_size": cohort_size,
        "mature_buyers": mature_buyers,
        "mature_cohorts": mature_cohorts,
    }


def marketing_metrics(costs: pd.DataFrame, ctx: dict, horizon: int, out: dict) -> None:
    costs["month"] = costs["dt"].dt.to_period("M")
    out["costs"] = float(costs["costs"].sum())
    by_source = costs.groupby("source_id")["costs"].sum()
    out["costs_by_source"] = by_source.round(2).to_dict()
    out["costs_by_source_month"] = int(len(costs.groupby(["source_id", "month"])["costs"].sum()))
    monthly = costs.groupby("month")["costs"].sum()
    cac = monthly / ctx["cohort_size"]
    out["cac"] = out["costs"] / out["buyers"]
    out["cac_by_cohort"] = {str(k): float(v) for k, v in cac.dropna().items()}
    romi = ctx["ltv"].div(cac, axis=0)
    out["romi"] = {str(c): row.dropna().round(6).tolist() for c, row in romi.iterrows()}
    payback = (romi >= 1).idxmax(axis=1).where((romi >= 1).any(axis=1))
    out["payback_by_cohort"] = {str(k): (None if pd.isna(v) else int(v)) for k, v in payback.items()}

    buyers = ctx["buyers"].copy()
    buyers["source_id"] = buyers["source_id"].astype("string").fillna("unattributed")
    buyers_by_source = buyers.groupby("source_id").size()
    out["cac_by_source"] = (by_source / buyers_by_source).dropna().round(6).to_dict()
    mature = ctx["mature_buyers"]
    spend_mature = costs[costs["month"].isin(ctx["mature_cohorts"])].groupby("source_id")["costs"].sum()
    out["romi_h"] = float(mature["rev_h"].sum() / spend_mature.sum())
    out["romi_h_by_source"] = (mature.groupby("source_id")["rev_h"].sum() / spend_mature).dropna().round(6).to_dict()

    # Payback per source: ROMI_s(k) over the cohorts with lifetime k observed.
    orders = ctx["orders"].join(buyers["source_id"], on="uid")
    last_month = orders["month"].max()
    rev = orders.groupby(["source_id", "cohort", "lifetime"])["revenue"].sum().reset_index()
    spend = costs.groupby(["source_id", "month"])["costs"].sum()
    payback_s = {}
    for k in range(0, 12):
        cohorts = {c for c in ctx["ltv"].index if month_diff(pd.Series([last_month]), pd.Series([c]))[0] >= k}
        r = rev[rev["cohort"].isin(cohorts) & (rev["lifetime"] <= k)].groupby("source_id")["revenue"].sum()
        s = spend[spend.index.get_level_values("month").isin(cohorts)].groupby("source_id").sum()
        ratio = (r / s).dropna()
        for source, value in ratio.items():
            if value >= 1 and source not in payback_s:
                payback_s[source] = k
    out["payback_by_source"] = payback_s


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("visits")
    parser.add_argument("orders")
    parser.add_argument("costs")
    parser.add_argument("out")
    parser.add_argument("--horizon", type=int, default=6)
    args = parser.parse_args()
    timings = {}
    started = time.perf_counter()
    visits, orders, costs = read_inputs(args.visits, args.orders, args.costs)
    # The spec's window: the first visit's day to the day after the last visit.
    start = visits["start_ts"].min().normalize()
    end = visits["start_ts"].max().normalize() + pd.Timedelta(days=1)
    orders = orders[(orders["buy_ts"] >= start) & (orders["buy_ts"] < end)]
    costs = costs[(costs["dt"] >= start) & (costs["dt"] < end)]
    timings["read"] = time.perf_counter() - started
    out = {"users": int(visits["uid"].nunique()), "sessions": int(len(visits)), "orders": int(len(orders))}
    out["revenue"] = float(orders["revenue"].sum())
    t = time.perf_counter()
    product_metrics(visits, out)
    timings["product"] = time.perf_counter() - t
    t = time.perf_counter()
    ctx = ecommerce_metrics(visits, orders, args.horizon, out)
    timings["ecommerce"] = time.perf_counter() - t
    t = time.perf_counter()
    marketing_metrics(costs, ctx, args.horizon, out)
    timings["marketing"] = time.perf_counter() - t
    out["timings_s"] = {k: round(v, 3) for k, v in timings.items()}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, default=str)


if __name__ == "__main__":
    main()
