"""Team, Region and Company rollups of rep-level targets, through the Team sheet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pyxl.core.schema import normalise


@dataclass(frozen=True)
class RollupLevel:
    """A level reps roll up to: the Team sheet column that groups them (None: the whole company)."""

    column: str | None
    level: str  # the Level of its own targets: "Team"

    @property
    def rollup(self) -> str:
        """The Level of its rollup rows: "Team rollup"."""
        return f"{self.level} rollup"


TEAM, REGION, COMPANY = (
    RollupLevel("team", "Team"),
    RollupLevel("region", "Region"),
    RollupLevel(None, "Company"),
)
ROLLUP_LEVELS = (TEAM, REGION, COMPANY)
_GROUP = ["start", "end", "period", "metric"]


def _roster(team: pd.DataFrame) -> pd.DataFrame:
    return team.assign(key=team["rep"].map(normalise)).drop_duplicates("key").set_index("key")


def in_post(rep_rows: pd.DataFrame, team: pd.DataFrame) -> np.ndarray:
    """True for the rep-level rows whose period overlaps the rep's Start and End Dates on the
    Team sheet (a rep not on it always counts): the rows a rollup sums."""
    roster, keys = _roster(team), rep_rows["rep"].map(normalise)
    joined = pd.to_datetime(roster["start_date"].reindex(keys)).to_numpy()
    left = pd.to_datetime(roster["end_date"].reindex(keys)).to_numpy()
    return np.asarray(
        (pd.isna(joined) | (joined <= rep_rows["end"].to_numpy()))
        & (pd.isna(left) | (left >= rep_rows["start"].to_numpy())),
        dtype=bool,
    )


def rollups(
    rep_rows: pd.DataFrame, team: pd.DataFrame, default_pacing: str, sums: Sequence[str] = ("actual",)
) -> pd.DataFrame:
    """Sum target and actual (and the other `sums` columns) of rep-level rows per team, region
    and the company.

    `rep_rows` holds rep, period, start, end, metric, target, actual and pacing. A rep's row
    counts only when the period overlaps the rep's Start and End Dates on the Team sheet. A rollup
    keeps its members' pacing when they agree and uses the default when they differ.
    """
    columns = ["level", "name", "key", *_GROUP, "target", *sums, "pacing"]
    if rep_rows.empty:
        return pd.DataFrame(columns=columns)
    roster = _roster(team)
    members = rep_rows.assign(key=rep_rows["rep"].map(normalise))[in_post(rep_rows, team)]
    parts = []
    for rollup_level in ROLLUP_LEVELS:
        column = rollup_level.column
        if column is None:
            grouped = members.assign(name="All")
        else:
            names = roster[column].reindex(members["key"]).to_numpy()
            grouped = members.assign(name=names).dropna(subset=["name"])
        if grouped.empty:
            continue
        by_group = grouped.assign(group_key=grouped["name"].map(normalise)).groupby(
            [*_GROUP, "group_key"], sort=True
        )
        # Sums in one pass over every summed column (a rollup carries its members' histories too).
        summed = by_group[["target", *sums]].sum(min_count=1)  # all members unknown: unknown
        summed["name"] = by_group["name"].first()
        pacing = by_group["pacing"]
        summed["pacing"] = pacing.first().where(pacing.nunique() == 1, default_pacing)
        summed = summed.reset_index().rename(columns={"group_key": "key"})
        summed["level"] = rollup_level.rollup
        parts.append(summed.sort_values(["start", "end", "metric", "key"], kind="stable"))
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)
