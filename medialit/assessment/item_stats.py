"""Item statistics shared by the check's item table and the graded items' scatter: the item-rest correlation."""
from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["correlation"]


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r of two equally long series, or None when either has no spread (nothing to correlate).

    With xs 0/1 (wrong/right on one item) and ys each student's result on the rest, this is the item's
    discrimination: positive when the students who get it right also do better on the rest.
    """
    if len(xs) != len(ys):
        raise ValueError(f"correlation needs two series of one length, not {len(xs)} and {len(ys)}")
    n = len(xs)
    if n == 0:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None  # everyone right, or everyone wrong, or no spread in the rest
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / math.sqrt(sxx * syy)
