"""The differential privacy mechanisms report figures are released with (OpenDP).

Pure functions of numbers, no Django: salaries.figures.releases applies them to cells, and
bench/dp_median.py measures how accurate they are.
"""

import functools
import math

import opendp.prelude as dp

dp.enable_features("contrib")


def candidate_grid(lower: float, upper: float, step: float = 0.003) -> list[float]:
    """Pays from lower to upper about `step` apart in ratio, rounded to 3 significant figures."""
    count = math.ceil(math.log(upper / lower) / math.log1p(step)) + 1
    ratio = (upper / lower) ** (1 / (count - 1))
    return sorted({float(f"{lower * ratio**i:.3g}") for i in range(count)})


@functools.cache
def median_measurement(lower: float, upper: float, epsilon: float) -> dp.Measurement:
    """Clamp to the bounds, then the exponential-mechanism median: epsilon per report added
    or removed (symmetric distance 1)."""
    candidates = candidate_grid(lower, upper)
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.symmetric_distance()

    def build(scale: float) -> dp.Measurement:
        # Clamped to the grid's own ends: rounding may move them off the bounds, and a value
        # beyond every candidate would score alike on all of them.
        return (
            space
            >> dp.t.then_clamp((candidates[0], candidates[-1]))
            >> dp.m.then_private_quantile(dp.max_divergence(), candidates, 0.5, scale)
        )

    # binary_search_param rather than 1/epsilon: float rounding can overshoot the budget.
    return build(dp.binary_search_param(build, d_in=1, d_out=epsilon))


@functools.cache
def count_measurement(epsilon: float) -> dp.Measurement:
    """A count plus discrete Laplace noise: epsilon per report added or removed."""

    def build(scale: float) -> dp.Measurement:
        return dp.m.make_laplace(dp.atom_domain(T=int), dp.absolute_distance(T=int), scale)

    return build(dp.binary_search_param(build, d_in=1, d_out=epsilon))
