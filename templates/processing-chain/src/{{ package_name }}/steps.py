"""Processing steps of the chain: each one takes a series of values and returns a new list."""

import math
from collections.abc import Iterable, Sequence


def clean(values: Iterable[float]) -> list[float]:
    """Drop missing values (NaN) and infinities."""
    return [v for v in values if math.isfinite(v)]


def normalise(values: Sequence[float]) -> list[float]:
    """Scale values linearly onto [0, 1]; a constant series maps to zeros."""
    if not values:
        return []
    low, high = min(values), max(values)
    if high == low:
        return [0.0] * len(values)
    return [(v - low) / (high - low) for v in values]


def run(values: Iterable[float]) -> list[float]:
    """The whole chain: clean, then normalise."""
    return normalise(clean(values))
