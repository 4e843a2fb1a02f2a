"""The Nature paper's summary figures of a probability allocation."""

from __future__ import annotations

import math
from collections.abc import Iterable


def gini(probabilities: Iterable[float]) -> float:
    """Gini coefficient: mean absolute difference over all ordered pairs / (2 * mean); 0 is perfect equality."""
    values = sorted(probabilities)
    n = len(values)
    total = sum(values)
    if n == 0 or total <= 0:
        return 0.0
    # sum_{i,j} |x_i - x_j| = 2 * sum_i (2i - n + 1) x_(i) with 0-based ranks of the sorted values
    weighted = sum((2 * i - n + 1) * v for i, v in enumerate(values))
    return max(0.0, 2 * weighted / (2 * n * total))


def geometric_mean(probabilities: Iterable[float]) -> float:
    values = list(probabilities)
    if not values or min(values) <= 0:
        return 0.0
    return math.exp(sum(math.log(v) for v in values) / len(values))
