"""Each target's actual: the sales rows in its date window that agree on every dimension it names.

Actuals are grouped once per combination of dimensions that targets use, summed by day, and
only then joined to the targets, so the cost grows with days x keys, not with sales rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from pyxl.core.schema import DIMENSIONS, normalise, normalise_column

NO_MATCH = -2  # code for a target value that no sales row carries


class KeyCodes:
    """Dimension values folded (trimmed, case-insensitive) and numbered, shared by both sides."""

    def __init__(self) -> None:
        self.codes: dict[str, dict[str, int]] = {d: {} for d in DIMENSIONS}

    def encode(self, dimension: str, values: pd.Series) -> np.ndarray:
        """Codes for a column; -1 where blank."""
        table = self.codes[dimension]
        return _by_folded_value(values, lambda key: table.setdefault(key, len(table)))

    def lookup(self, dimension: str, values: pd.Series) -> np.ndarray:
        """Codes for target values; -1 where blank, NO_MATCH where no sale has the value."""
        table = self.codes[dimension]
        return _by_folded_value(values, lambda key: table.get(key, NO_MATCH))


def _by_folded_value(values: pd.Series, code_of: Callable[[str], int]) -> np.ndarray:
    """`code_of` each row's folded value, asked once per distinct value; -1 where blank."""
    if values.isna().all():  # a column the sheet lacks (no Customer): no million-row factorize
        return np.full(len(values), -1, dtype=np.int64)
    raw_codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([code_of(normalise(u)) for u in uniques] + [-1], dtype=np.int64)
    return mapped[raw_codes]  # code -1 (a blank) picks the trailing -1


def line_codes(actuals: pd.DataFrame) -> np.ndarray:
    """A code per sales line that several reps share: rows with an Allocated % below 100% that
    agree on Order ID, Date, Amount and Units. -1 for rows credited in full."""
    if "line" in actuals:  # worked out once when the Actuals sheet was read
        return actuals["line"].to_numpy(dtype=np.int64)
    codes = np.full(len(actuals), -1, dtype=np.int64)
    if "share" not in actuals:
        return codes
    split = (actuals["share"].to_numpy(dtype=float) < 1) & actuals["order_id"].notna().to_numpy()
    if split.any():
        lines = actuals.loc[split, ["order_id", "date", "amount", "units"]].assign(
            order_id=lambda f: normalise_column(f["order_id"])
        )
        codes[split] = lines.groupby(list(lines.columns), dropna=False, sort=False).ngroup().to_numpy()
    return codes


def fill_from_team(actuals: pd.DataFrame, team: pd.DataFrame | None) -> pd.DataFrame:
    """Blank Team and Region on a sales row come from the Team sheet through its Rep."""
    actuals = actuals.copy(deep=False)  # columns are replaced below, never written into
    for column in ("team", "region"):
        if column not in actuals:
            actuals[column] = None
    if team is None or team.empty:
        return actuals
    rep_codes, rep_uniques = pd.factorize(actuals["rep"], use_na_sentinel=True)
    # Kept as the numbers just found: matching numbers the reps again, and would factorize a
    # million names a second time.
    actuals["rep"] = pd.Categorical.from_codes(rep_codes, categories=pd.Index(rep_uniques))
    folded = pd.Index([normalise(u) for u in rep_uniques])
    roster = team.assign(key=team["rep"].map(normalise)).drop_duplicates("key").set_index("key")
    for column in ("team", "region"):
        per_rep = pd.array(roster[column].reindex(folded).to_numpy(dtype=object), dtype="string")
        own = actuals[column]
        if own.notna().any():
            # Text, as the sheet's own column is: taken and later grouped many times quicker than objects.
            from_team = pd.Series(per_rep.take(rep_codes, allow_fill=True), index=actuals.index)  # -1: blank
            actuals[column] = own.where(own.notna(), from_team)
        else:
            # No row names its own: a million rows name a few dozen teams, so each row keeps the
            # number of its team rather than a copy of its text.
            team_codes, names = pd.factorize(per_rep, use_na_sentinel=True)
            row_codes = np.append(team_codes, -1)[rep_codes]  # a blank rep (-1) picks the trailing -1
            actuals[column] = pd.Categorical.from_codes(row_codes, categories=names)
    return actuals


def _in_windows(rows: pd.DataFrame, windows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Pair each window with the rows sharing its keys whose day lies in [lo, hi]."""
    joined = windows.merge(rows, on=keys, how="inner") if keys else windows.merge(rows, how="cross")
    return joined.loc[(joined["day"] >= joined["lo"]) & (joined["day"] <= joined["hi"])]


class PrefixSums:
    """Running totals of `values` of daily rows, sorted by (key group, day), so the sum over any
    window [lo, hi] of one key group is two binary searches however long the window is. Built
    once per level of targets and asked for every set of windows (this period, last year, the
    periods before), it hashes the daily keys once, not once per set."""

    def __init__(self, daily: pd.DataFrame, keys: list[str], values: list[str]) -> None:
        self.keys = keys
        if keys and not daily.empty:
            codes, self.groups = pd.MultiIndex.from_frame(daily[keys]).factorize()
        else:
            codes, self.groups = np.zeros(len(daily), np.int64), pd.MultiIndex.from_tuples([()])
        day = daily["day"].to_numpy(np.int64)
        self.first = int(day.min()) if len(day) else 0
        self.span = (int(day.max()) - self.first + 1) if len(day) else 0
        self.stride = self.span + 2  # room for a window's ends before and after the days
        position = codes * self.stride + (day - self.first + 1)
        order = np.argsort(position, kind="stable")
        self.position = position[order]
        self.running = {
            value: np.concatenate([[0.0], np.cumsum(daily[value].to_numpy(float)[order])]) for value in values
        }

    def sums(self, windows: pd.DataFrame) -> pd.DataFrame:
        """Each value summed over each window (index: tid) of rows sharing its keys; 0 where none."""
        if not self.span:  # no sales at this level
            return pd.DataFrame(
                {v: np.zeros(len(windows)) for v in self.running}, index=windows["tid"].to_numpy()
            )
        if self.keys:
            group = self.groups.get_indexer(pd.MultiIndex.from_frame(windows[self.keys]))
        else:
            group = np.zeros(len(windows), np.int64)
        known = group >= 0
        base = np.where(known, group, 0) * self.stride
        lo = base + np.clip(windows["lo"].to_numpy(np.int64) - self.first + 1, 0, self.span + 1)
        hi = base + np.clip(windows["hi"].to_numpy(np.int64) - self.first + 1, 0, self.span + 1)
        start = np.searchsorted(self.position, lo, "left")
        stop = np.maximum(np.searchsorted(self.position, hi, "right"), start)  # an empty window sums nothing
        found = {}
        for value, running in self.running.items():
            # Differences of running totals carry float noise from everything summed before them;
            # money and counts need no more than six decimals.
            found[value] = np.where(known, np.round(running[stop] - running[start], 6), 0.0)
        return pd.DataFrame(found, index=windows["tid"].to_numpy())


def _range_sums(
    daily: pd.DataFrame, windows: pd.DataFrame, keys: list[str], values: list[str]
) -> pd.DataFrame:
    """Sum `values` of `daily` rows within each window [lo, hi] that share its keys."""
    return PrefixSums(daily, keys, values).sums(windows)


# Beyond this many cells (one per combination of codes and day) per row, pandas groups instead.
DENSE_CELLS_PER_ROW = 4


def daily_totals(rows: pd.DataFrame, by: list[str], values: list[str]) -> pd.DataFrame:
    """Sums of `values` for each combination of the integer columns `by` that rows carry, as
    `groupby(by).sum()` gives them (blanks count as 0). Where the combinations are few, each row
    is numbered by its cell in a dense grid and summed by np.bincount, without hashing: twice as
    quick on a million rows."""
    if rows.empty:
        return rows.groupby(by, sort=False)[values].sum().reset_index()
    lows = [int(rows[c].min()) for c in by]
    spans = [int(rows[c].max()) - low + 1 for c, low in zip(by, lows, strict=True)]
    cells = math.prod(spans)
    if cells > DENSE_CELLS_PER_ROW * len(rows) + 100_000:
        return rows.groupby(by, sort=False)[values].sum().reset_index()
    cell = np.zeros(len(rows), dtype=np.int64)
    for column, low, span in zip(by, lows, spans, strict=True):
        cell = cell * span + (rows[column].to_numpy(dtype=np.int64) - low)
    used = np.flatnonzero(np.bincount(cell, minlength=cells))
    keys, rest = {}, used
    for column, low, span in reversed(list(zip(by, lows, spans, strict=True))):
        rest, offset = np.divmod(rest, span)
        keys[column] = offset + low
    summed = pd.DataFrame({column: keys[column] for column in by})
    for value in values:
        numbers = rows[value].to_numpy(dtype=float)
        weights = np.where(np.isnan(numbers), 0.0, numbers)
        summed[value] = np.bincount(cell, weights=weights, minlength=cells)[used]
    return summed


def order_parts(lines: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """From distinct (keys, order, day) lines: orders per key and day for orders on one day, and
    the lines of orders on several days, which are counted exactly."""
    spread = lines.duplicated([*keys, "order"], keep=False)
    simple = lines.loc[~spread].groupby([*keys, "day"]).size().rename("orders").reset_index()
    return simple, lines.loc[spread]


def _distinct_orders(
    simple: pd.DataFrame, spread: pd.DataFrame, windows: pd.DataFrame, keys: list[str]
) -> pd.Series:
    """Distinct orders per window, from `order_parts`."""
    counts = _range_sums(simple, windows, keys, ["orders"])["orders"]
    if not spread.empty:
        extra = _in_windows(spread, windows, keys).groupby("tid")["order"].nunique()
        counts = counts.add(extra, fill_value=0)
    return counts


def ancestry(codes: dict[str, int], groups: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """(member, ancestor) code pairs: every value with itself and each group above it, so a
    target on a group matches the sales of every member below it, at any depth. Groups not yet
    coded get codes of their own."""
    parents: dict[int, list[int]] = {}
    for member, group in groups:
        child = codes.setdefault(normalise(member), len(codes))
        parents.setdefault(child, []).append(codes.setdefault(normalise(group), len(codes)))
    pairs = []
    for code in range(len(codes)):
        seen, frontier = {code}, [code]
        while frontier:  # the groups were checked for loops when read
            frontier = [p for c in frontier for p in parents.get(c, ()) if p not in seen]
            seen.update(frontier)
        pairs += [(code, ancestor) for ancestor in seen]
    return pd.DataFrame(pairs, columns=["member", "ancestor"])


class Sales:
    """Each target's actual from sales rows, wherever they are kept: the windows and levels are
    worked out here; where the rows are, a subclass sums them (`SalesIndex` in memory, an
    engine's for actuals kept in a database)."""

    def __init__(self) -> None:
        self.codes = KeyCodes()

    def _encode(self, dimensions: list[str]) -> None:
        """Number the values of these dimensions, so targets can be looked up in `codes`."""
        raise NotImplementedError

    def _prepare(self, summed: list[list[str]], counted: list[list[str]]) -> None:
        """Get ready to sum amount and units at the `summed` levels (keys) and to count orders at
        the `counted` ones, all at once if that is quicker."""

    def _sums(self, keys: list[str], windows: pd.DataFrame) -> pd.DataFrame:
        """Amount and units (columns) per window (index: tid) of rows sharing its keys."""
        raise NotImplementedError

    def _order_counts(self, keys: list[str], windows: pd.DataFrame) -> pd.Series:
        """Distinct orders per window (index: tid) among rows sharing its keys."""
        raise NotImplementedError

    def span(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """The dates of the first and the last sale, None without sales."""
        raise NotImplementedError

    def first_day(self) -> pd.Timestamp | None:
        """The date of the first sale, None without sales."""
        return self.span()[0]

    def totals(self, targets: pd.DataFrame, as_of: pd.Timestamp) -> np.ndarray:
        """The actual A of every target row (same order), by its metric, up to `as_of`."""
        result = np.zeros(len(targets))
        if targets.empty:
            return result
        t = np.datetime64(as_of, "D").astype(np.int64)
        used = [d for d in DIMENSIONS if targets[d].notna().any()]
        self._encode(used)
        windows = pd.DataFrame(
            {
                "tid": np.arange(len(targets)),
                "lo": targets["start"].to_numpy().astype("datetime64[D]").astype(np.int64),
                "hi": np.minimum(targets["end"].to_numpy().astype("datetime64[D]").astype(np.int64), t),
                "metric": targets["metric"].to_numpy(),
            }
        )
        for dimension in used:
            windows[dimension] = self.codes.lookup(dimension, targets[dimension])
        # Each row's level as a number, one bit per dimension it names: no Python loop over rows.
        named = targets[used].notna().to_numpy()
        levels = named.astype(np.int64) @ (1 << np.arange(len(used), dtype=np.int64))
        keys_of = {int(b): [d for i, d in enumerate(used) if b >> i & 1] for b in np.unique(levels)}

        orders = (windows["metric"] == "Orders").to_numpy()
        self._prepare(
            [keys_of[int(b)] for b in pd.unique(levels[~orders])],
            [keys_of[int(b)] for b in pd.unique(levels[orders])],
        )
        for level in pd.unique(levels):
            keys = keys_of[int(level)]
            level_windows = windows[levels == level]
            level_windows = level_windows[(level_windows[keys] >= 0).all(axis=1)] if keys else level_windows
            if level_windows.empty:
                continue
            sums = level_windows[level_windows["metric"] != "Orders"]
            if not sums.empty:
                found = self._sums(keys, sums.drop(columns="metric"))
                for metric, column in (("Revenue", "amount"), ("Units", "units")):
                    tids = sums.loc[sums["metric"] == metric, "tid"].to_numpy()
                    result[tids] = found[column].reindex(tids, fill_value=0.0).to_numpy()
            orders = level_windows[level_windows["metric"] == "Orders"]
            if not orders.empty:
                counts = self._order_counts(keys, orders.drop(columns="metric"))
                tids = orders["tid"].to_numpy()
                result[tids] = counts.reindex(tids, fill_value=0).to_numpy()
        return result


class SalesIndex(Sales):
    """Sales rows encoded once (days, dimension codes, order codes, daily sums per level), so several
    sets of windows (this period, last year, the last 90 days) are answered without re-reading them."""

    def __init__(
        self,
        actuals: pd.DataFrame,
        has_order_ids: bool,
        groups: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    ) -> None:
        super().__init__()
        self.actuals, self.has_order_ids = actuals, has_order_ids
        self.groups = groups or {}
        self._members: dict[str, pd.DataFrame] = {}
        share = actuals["share"].to_numpy(dtype=float) if "share" in actuals else 1.0
        amount, units = actuals["amount"].to_numpy(dtype=float), actuals["units"].to_numpy(dtype=float)
        self.rows = pd.DataFrame(
            {
                "day": actuals["date"].to_numpy().astype("datetime64[D]").astype(np.int64),
                "amount": amount,
                "units": units,
                "credited_amount": amount * share,
                "credited_units": units * share,
                "line": line_codes(actuals),
            },
            copy=False,  # one block per column: stacking them copies every row for nothing
        )
        self._daily: dict[tuple[str, ...], pd.DataFrame] = {}
        self._prefix: dict[tuple[str, ...], PrefixSums] = {}

    def _encode(self, dimensions: list[str]) -> None:
        for dimension in dimensions:
            if dimension not in self.rows:
                self.rows[dimension] = self.codes.encode(dimension, self.actuals[dimension])
                if self.groups.get(dimension):
                    self._members[dimension] = ancestry(self.codes.codes[dimension], self.groups[dimension])

    def _expand(self, frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        """Rows relabelled to every group their Product or Customer belongs to, besides itself."""
        for key in keys:
            if key in self._members:
                frame = (
                    frame.merge(self._members[key], left_on=key, right_on="member")
                    .drop(columns=[key, "member"])
                    .rename(columns={"ancestor": key})
                )
        return frame

    def _encode_orders(self) -> None:
        if "order" in self.rows:
            return
        if self.has_order_ids:
            order_codes, _ = pd.factorize(normalise_column(self.actuals["order_id"]))
            # A line with no Order ID is an order of its own.
            own = np.arange(len(self.actuals)) + order_codes.max(initial=-1) + 1
            self.rows["order"] = np.where(order_codes >= 0, order_codes, own)
        else:
            self.rows["order"] = np.arange(len(self.actuals))

    def span(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        days = self.actuals["date"]
        return (None, None) if days.isna().all() else (days.min(), days.max())

    def _sums(self, keys: list[str], windows: pd.DataFrame) -> pd.DataFrame:
        level = tuple(keys)
        if level not in self._prefix:
            self._prefix[level] = PrefixSums(self._daily_sums(keys), keys, ["amount", "units"])
        return self._prefix[level].sums(windows)

    def _order_counts(self, keys: list[str], windows: pd.DataFrame) -> pd.Series:
        return _distinct_orders(*self._orders(keys), windows, keys)

    def _orders(self, keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """`order_parts` of the sales lines with these keys."""
        self._encode_orders()
        lines = self._expand(self._rows_for(keys)[[*keys, "order", "day"]].drop_duplicates(), keys)
        return order_parts(lines, keys)

    def _rows_for(self, keys: list[str]) -> pd.DataFrame:
        named = (self.rows[keys] >= 0).all(axis=1).to_numpy() if keys else None
        # Every row names them (every sale has a rep, say): the rows as they are, not a copy.
        return self.rows if named is None or named.all() else self.rows[named]

    def _daily_sums(self, keys: list[str]) -> pd.DataFrame:
        """Amount and units per day and key; split lines credited by share to reps, counted once
        for every other target (Team, Region, Product, Company)."""
        level = tuple(keys)
        if level not in self._daily:
            rows = self._rows_for(keys)
            if "rep" in keys:
                rows = rows.drop(columns=["amount", "units"]).rename(
                    columns={"credited_amount": "amount", "credited_units": "units"}
                )
            elif (rows["line"] >= 0).any():
                repeat = rows["line"].ge(0) & rows.duplicated([*keys, "line"])
                rows = rows[~repeat.to_numpy()]
            daily = daily_totals(rows, [*keys, "day"], ["amount", "units"])
            if any(key in self._members for key in keys):
                daily = self._expand(daily, keys).groupby([*keys, "day"], sort=False).sum().reset_index()
            self._daily[level] = daily
        return self._daily[level]


def actuals_by_target(
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    as_of: pd.Timestamp,
    has_order_ids: bool,
) -> np.ndarray:
    """The actual A of every target row (same order), by its metric."""
    return SalesIndex(actuals, has_order_ids).totals(targets, as_of)
