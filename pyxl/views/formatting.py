"""One rule for every figure shown as text (emails, terminal tables, messages), the rule Excel's
number formats follow on the sheets: halves round away from zero, so an email never says $7,600
where the sheet shows $7,601. A ratio is never rounded across a boundary that changes what it
means: 99.8% of a target that was missed never reads 100%.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

# Where a ratio changes its meaning: the whole target (100%), and the status thresholds' defaults.
BOUNDARIES = (1.0,)
MOST_DECIMALS = 4  # past this a ratio is shown rounded toward its own side of the boundary
EXACT_BELOW = 1e15  # a float this large holds no fraction to round


def rounded(value: float, decimals: int = 0) -> float:
    """`value` rounded to `decimals` places, halves away from zero (Excel's rounding), from the
    shortest decimal text of the float, so 7600.5 gives 7601 and 2.675 gives 2.68."""
    if not math.isfinite(value) or abs(value) >= EXACT_BELOW:
        return value
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))


def number_text(value: float, decimals: int = 0) -> str:
    """1,234 or 1,234.50, halves away from zero; never -0."""
    shown = rounded(value, decimals) + 0.0
    return f"{shown:,.{decimals}f}"


def money_text(value: float, symbol: str = "", decimals: int = 0) -> str:
    """¥1,234 (−¥50 for a negative amount)."""
    text = number_text(abs(value), decimals)
    return f"-{symbol}{text}" if rounded(value, decimals) < 0 else f"{symbol}{text}"


def ratio_decimals(value: float, decimals: int = 0, boundaries: tuple[float, ...] = BOUNDARIES) -> int:
    """The decimals a percentage needs so that rounding does not carry it across a boundary:
    0.998 takes one (99.8%), 0.9996 two (99.96%); 1.02 none."""
    if all(abs(value - b) >= 10 ** -(decimals + 2) for b in boundaries):  # no rounding reaches one
        return decimals
    for places in range(decimals, MOST_DECIMALS + 1):
        shown = rounded(value * 100, places) / 100
        if not any((value < b) != (shown < b) for b in boundaries):
            return places
    return MOST_DECIMALS


def percent_text(value: float, decimals: int = 0, boundaries: tuple[float, ...] = BOUNDARIES) -> str:
    """87%, or 99.8% where 100% would say the target was reached."""
    if not math.isfinite(value):
        return ""
    places = ratio_decimals(value, decimals, boundaries)
    shown = rounded(value * 100, places)
    if places == MOST_DECIMALS and any((value < b) != (shown / 100 < b) for b in boundaries):
        shown -= 10**-places if value < max(boundaries) else -(10**-places)  # stay on its side
    return f"{shown:,.{places}f}%"


def signed_percent_text(change: float) -> str:
    """A change as +12% or −5%, never rounded to 0% across no change (−0.3% stays −0.3%)."""
    text = percent_text(change, 0, (0.0,))
    return text if text.startswith("-") else f"+{text}"
