"""Small statistics for accuracy tables: Wilson score intervals, and McNemar's test for two runs on the same items."""

from __future__ import annotations

import math

from scipy.stats import binomtest, norm


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion; unlike the normal approximation it stays inside [0, 1] and
    behaves at 0 or n successes, which small per-category counts (20 items) hit often."""
    if trials == 0:
        return (0.0, 1.0)
    z = norm.ppf(0.5 + confidence / 2)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    # At 0 or n successes the bound is exactly 0 or 1; the formula leaves a rounding residue (2.8e-17 at 0 of 6)
    # that put the lower bound above the estimate, and a chart's error bar below zero.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return (low, high)


def mcnemar_exact(only_first_correct: int, only_second_correct: int) -> float:
    """Two-sided exact McNemar p-value from the discordant pairs of two runs on the same items."""
    discordant = only_first_correct + only_second_correct
    if discordant == 0:
        return 1.0
    return float(binomtest(only_first_correct, discordant, 0.5).pvalue)
