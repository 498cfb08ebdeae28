"""The Targets sheet (目标): periods, metrics, pacing, dimensions, and targets spread by Split."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pyxl.core import schema
from pyxl.core.cleaning.cells import (
    Table,
    periods,
    read_numbers,
    text_column,
)
from pyxl.core.issues import ERROR, WARNING, Issues
from pyxl.core.pacing import Calendar
from pyxl.core.parsing import is_missing
from pyxl.core.periods import parse_period
from pyxl.core.settings import PACING_ALIASES, Settings

METRICS = {
    "revenue": "Revenue",
    "销售额": "Revenue",
    "收入": "Revenue",
    "sales": "Revenue",
    "units": "Units",
    "数量": "Units",
    "销量": "Units",
    "orders": "Orders",
    "订单数": "Orders",
    "订单": "Orders",
}


def clean_targets(table: Table, settings: Settings, calendar: Calendar, issues: Issues) -> pd.DataFrame:
    """Targets with a period, a known metric and a positive amount, spread by Split."""
    frame = table.frame
    keep = pd.Series(True, index=frame.index)

    target = read_numbers(table, "target", issues, (ERROR, "target_unreadable", "row_skipped"))
    not_positive = ~target.bad & (target.values.isna() | (target.values <= 0))
    table.report(issues, ERROR, not_positive, "target", "target_not_positive", "row_skipped")
    keep &= ~target.bad & ~not_positive

    spans = periods(table, settings, issues, keep)
    bad_period = spans["period"].isna()
    keep &= ~bad_period

    metric_text = text_column(frame, "metric")
    metric = metric_text.map(lambda v: METRICS.get(schema.normalise(v)) if pd.notna(v) else "Revenue")
    bad_metric = metric.isna()
    table.report(
        issues, ERROR, bad_metric & keep, "metric", "metric_unknown", "row_skipped", values=metric_text
    )
    keep &= ~bad_metric

    pacing_text = text_column(frame, "pacing")
    pacing = pacing_text.map(
        lambda v: PACING_ALIASES.get(schema.normalise(v)) if pd.notna(v) else settings.pacing
    )
    bad_pacing = pacing.isna() & keep
    table.report(issues, WARNING, bad_pacing, "pacing", "pacing_unknown", "default_used", values=pacing_text)
    pacing = pacing.fillna(settings.pacing)

    clean = pd.DataFrame(
        {
            "row": frame["row"],
            "period": spans["period"],
            "start": spans["start"],
            "end": spans["end"],
            "metric": metric,
            "target": target.values,
            "pacing": pacing.astype(object),
        }
    )
    for dimension in schema.DIMENSIONS:
        clean[dimension] = text_column(frame, dimension).astype(object)
    split_text = text_column(frame, "split")
    split = split_text.map(lambda v: SPLITS.get(schema.normalise(v)) if pd.notna(v) else 0)
    table.report(
        issues, WARNING, split.isna() & keep, "split", "split_unknown", "warning_only", values=split_text
    )
    clean["split"] = split.fillna(0).astype(int)
    clean = clean[keep].reset_index(drop=True)

    duplicated = clean.duplicated(["period", "metric", *schema.DIMENSIONS], keep="first")
    table.report(issues, WARNING, duplicated, "target", "target_duplicate", "warning_only", rows=clean)
    return _spread(clean, settings, calendar, table, issues)


SPLITS = {
    **{name: 1 for name in ("month", "monthly", "months", "按月", "月", "月度")},
    **{name: 3 for name in ("quarter", "quarterly", "quarters", "按季", "按季度", "季", "季度")},
}


TARGET_KEY = ["period", "metric", *schema.DIMENSIONS]


def _spread(
    targets: pd.DataFrame, settings: Settings, calendar: Calendar, table: Table, issues: Issues
) -> pd.DataFrame:
    """Each row with a Split keeps its place and is followed by one target per month or quarter
    of its period, weighted by the Seasonality sheet; an explicit row for a sub-period wins."""
    if not targets["split"].any():
        return targets.drop(columns="split")
    weights = calendar.weights()
    parts = []
    for _, row in targets.iterrows():  # one pass over target rows (a few thousand), not sales
        parts.append(row.to_frame().T)
        if row["split"]:
            parts.append(_sub_targets(row, int(row["split"]), weights, settings.fiscal_year_start_month))
    spread = pd.concat(parts, ignore_index=True)
    explicit = spread["spread"].ne(True)
    folded = [spread[c].map(lambda v: "" if is_missing(v) else schema.normalise(v)) for c in TARGET_KEY]
    keys = pd.Series(list(zip(*folded, strict=True)), index=spread.index)
    overridden = ~explicit & keys.isin(set(keys[explicit]))
    wins = explicit & keys.isin(set(keys[overridden]))
    table.report(issues, WARNING, wins.to_numpy(), "period", "spread_overridden", "warning_only", rows=spread)
    result = spread[~overridden.to_numpy()].drop(columns=["split", "spread"]).reset_index(drop=True)
    return result.astype({column: targets[column].dtype for column in result.columns})


def _sub_targets(row: pd.Series, months: int, weights: np.ndarray, fiscal_start: int) -> pd.DataFrame:
    """The months or quarters of one target row's period, each with its share of the target."""
    start, end = row["start"], row["end"]
    firsts = pd.date_range(start, end, freq=f"{months}MS")
    if len(firsts) <= 1:
        return pd.DataFrame(columns=row.index)
    fiscal = str(row["period"]).startswith("FY")
    month_weight = weights[(pd.date_range(start, end, freq="MS").month - 1).to_numpy()]
    total = month_weight.sum()
    rows = []
    for index, first in enumerate(firsts):
        share = (
            month_weight[index * months : (index + 1) * months].sum() / total if total else 1 / len(firsts)
        )
        label = _sub_label(first, months, fiscal, fiscal_start)
        period = parse_period(label, fiscal_start)
        rows.append(
            row.to_dict()
            | {
                "period": period.label,
                "start": pd.Timestamp(period.start),
                "end": pd.Timestamp(period.end),
                "target": row["target"] * share,
                "split": 0,
                "spread": True,
            }
        )
    return pd.DataFrame(rows)


def _sub_label(first: pd.Timestamp, months: int, fiscal: bool, fiscal_start: int) -> str:
    if months == 1:
        return f"{first.year}-{first.month:02d}"
    if fiscal:
        offset = (first.month - fiscal_start) % 12
        fiscal_year = first.year + (1 if fiscal_start > 1 and first.month >= fiscal_start else 0)
        return f"FY{fiscal_year}-Q{offset // 3 + 1}"
    return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
