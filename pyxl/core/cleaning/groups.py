"""The Products and Customers sheets (产品, 客户): members and the groups they belong to."""

from __future__ import annotations

import pandas as pd

from pyxl.core import schema
from pyxl.core.cleaning.cells import (
    Table,
    text_column,
)
from pyxl.core.issues import WARNING, Issues


def group_pairs(table: Table, member: str, issues: Issues) -> list[tuple[str, str]]:
    """(member, group) pairs in sheet order; a pair that would close a loop is reported and left out."""
    frame = table.frame
    members, groups = text_column(frame, member), text_column(frame, "group")
    parents: dict[str, set[str]] = {}
    pairs: list[tuple[str, str]] = []
    loops = pd.Series(False, index=frame.index)
    for index, child, parent in zip(frame.index, members, groups, strict=True):
        if pd.isna(child) or pd.isna(parent):
            continue
        above, frontier = {schema.normalise(parent)}, [schema.normalise(parent)]
        while frontier:
            frontier = [p for f in frontier for p in parents.get(f, ()) if p not in above]
            above.update(frontier)
        if schema.normalise(child) in above:
            loops[index] = True
            continue
        parents.setdefault(schema.normalise(child), set()).add(schema.normalise(parent))
        pairs.append((str(child), str(parent)))
    table.report(issues, WARNING, loops, "group", "group_loop", "row_skipped")
    return pairs
