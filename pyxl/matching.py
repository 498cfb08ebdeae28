"""Each target's actual: the sales rows in its date window that agree on every dimension it names.

Actuals are grouped once per combination of dimensions that targets use, summed by day, and
only then joined to the targets, so the cost grows with days x keys, not with sales rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pyxl.schema import DIMENSIONS, normalise

NO_MATCH = -2  # code for a target value that no sales row carries


class KeyCodes:
    """Dimension values folded (trimmed, case-insensitive) and numbered, shared by both sides."""

    def __init__(self) -> None:
        self.codes: dict[str, dict[str, int]] = {d: {} for d in DIMENSIONS}

    def encode(self, dimension: str, values: pd.Series) -> np.ndarray:
        """Codes for a column; -1 where blank."""
        raw_codes, uniques = pd.factorize(values, use_na_sentinel=True)
        table = self.codes[dimension]
        mapped = np.array([table.setdefault(normalise(u), len(table)) for u in uniques], dtype=np.int64)
        return np.where(raw_codes >= 0, mapped[np.maximum(raw_codes, 0)], -1)

    def lookup(self, dimension: str, values: pd.Series) -> np.ndarray:
        """Codes for target values; -1 where blank, NO_MATCH where no sale has the value."""
        table = self.codes[dimension]
        return np.array(
            [-1 if pd.isna(v) else table.get(normalise(v), NO_MATCH) for v in values], dtype=np.int64
        )


def fill_from_team(actuals: pd.DataFrame, team: pd.DataFrame | None) -> pd.DataFrame:
    """Blank Team and Region on a sales row come from the Team sheet through its Rep."""
    if team is None or team.empty:
        return actuals
    actuals = actuals.copy()
    rep_codes, rep_uniques = pd.factorize(actuals["rep"], use_na_sentinel=True)
    folded = pd.Index([normalise(u) for u in rep_uniques])
    roster = team.assign(key=team["rep"].map(normalise)).drop_duplicates("key").set_index("key")
    for column in ("team", "region"):
        per_rep = roster[column].reindex(folded).to_numpy(dtype=object)
        if len(per_rep) == 0:
            continue
        from_team = np.where(rep_codes >= 0, per_rep[np.maximum(rep_codes, 0)], None)
        actuals[column] = actuals[column].astype(object).where(actuals[column].notna(), from_team)
    return actuals


def _in_windows(rows: pd.DataFrame, windows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Pair each window with the rows sharing its keys whose day lies in [lo, hi]."""
    joined = windows.merge(rows, on=keys, how="inner") if keys else windows.merge(rows, how="cross")
    return joined.loc[(joined["day"] >= joined["lo"]) & (joined["day"] <= joined["hi"])]


def _range_sums(
    daily: pd.DataFrame, windows: pd.DataFrame, keys: list[str], values: list[str]
) -> pd.DataFrame:
    """Sum `values` of `daily` rows within each window [lo, hi] that share its keys."""
    return _in_windows(daily, windows, keys).groupby("tid")[values].sum()


def _distinct_orders(rows: pd.DataFrame, windows: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Distinct orders per window; orders whose lines fall on several days are counted exactly."""
    lines = rows[[*keys, "order", "day"]].drop_duplicates()
    spread = lines.duplicated([*keys, "order"], keep=False)
    simple = lines.loc[~spread].groupby([*keys, "day"]).size().rename("orders").reset_index()
    counts = _range_sums(simple, windows, keys, ["orders"])["orders"]
    if spread.any():
        extra = _in_windows(lines.loc[spread], windows, keys).groupby("tid")["order"].nunique()
        counts = counts.add(extra, fill_value=0)
    return counts


def actuals_by_target(
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    as_of: pd.Timestamp,
    has_order_ids: bool,
) -> np.ndarray:
    """The actual A of every target row (same order), by its metric."""
    result = np.zeros(len(targets))
    if targets.empty:
        return result
    t = np.datetime64(as_of, "D").astype(np.int64)
    day = actuals["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    up_to_date = day <= t
    codes = KeyCodes()
    rows = pd.DataFrame(
        {
            "day": day[up_to_date],
            "amount": actuals["amount"].to_numpy()[up_to_date],
            "units": actuals["units"].to_numpy(dtype=float)[up_to_date],
        }
    )
    used = [d for d in DIMENSIONS if targets[d].notna().any()]
    for dimension in used:
        rows[dimension] = codes.encode(dimension, actuals[dimension])[up_to_date]
    if (targets["metric"] == "Orders").any():
        if has_order_ids:
            order_ids = actuals["order_id"]
            order_codes, _ = pd.factorize(order_ids.map(normalise, na_action="ignore"))
            # A line with no Order ID is an order of its own.
            own = np.arange(len(actuals)) + order_codes.max() + 1
            rows["order"] = np.where(order_codes >= 0, order_codes, own)[up_to_date]
        else:
            rows["order"] = np.arange(int(up_to_date.sum()))

    windows = pd.DataFrame(
        {
            "tid": np.arange(len(targets)),
            "lo": targets["start"].to_numpy().astype("datetime64[D]").astype(np.int64),
            "hi": np.minimum(targets["end"].to_numpy().astype("datetime64[D]").astype(np.int64), t),
            "metric": targets["metric"].to_numpy(),
        }
    )
    for dimension in used:
        windows[dimension] = codes.lookup(dimension, targets[dimension])
    named = targets[used].notna().to_numpy()
    levels = pd.Series(
        [tuple(d for d, m in zip(used, mask, strict=True) if m) for mask in named], dtype=object
    )

    for level in levels.unique():
        keys = list(level)
        level_windows = windows[(levels == level).to_numpy()]
        level_windows = level_windows[(level_windows[keys] >= 0).all(axis=1)] if keys else level_windows
        level_rows = rows[(rows[keys] >= 0).all(axis=1)] if keys else rows
        if level_windows.empty or level_rows.empty:
            continue
        sums = level_windows[level_windows["metric"] != "Orders"]
        if not sums.empty:
            daily = level_rows.groupby([*keys, "day"], sort=False)[["amount", "units"]].sum().reset_index()
            totals = _range_sums(daily, sums.drop(columns="metric"), keys, ["amount", "units"])
            for metric, column in (("Revenue", "amount"), ("Units", "units")):
                tids = sums.loc[sums["metric"] == metric, "tid"].to_numpy()
                result[tids] = totals[column].reindex(tids, fill_value=0.0).to_numpy()
        orders = level_windows[level_windows["metric"] == "Orders"]
        if not orders.empty:
            counts = _distinct_orders(level_rows, orders.drop(columns="metric"), keys)
            tids = orders["tid"].to_numpy()
            result[tids] = counts.reindex(tids, fill_value=0).to_numpy()
    return result
