"""How far a median can be trusted, as every page says it: a label from the number of people
behind it, and a distribution-free interval around it.

Labels: a median from under FAIR_FROM people is a rough guide (ROUGH), from under SOLID_FROM
people a fair one (FAIR), from SOLID_FROM on a solid one (SOLID). The interval holds the true
median with at least CONFIDENCE_PERCENT% probability whatever the shape of pay
(median_interval_ranks); whether its ends may be shown is a privacy rule
(privacy.interval_ranks).
"""

import math
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # the type checker's only (django-stubs-ext is a dev tool)
    from django_stubs_ext import StrOrPromise

FAIR_FROM = 30
SOLID_FROM = 100
CONFIDENCE_PERCENT = 95

ROUGH = _("rough guide")
FAIR = _("fair guide")
SOLID = _("solid guide")


def reliability_of(people: int) -> "StrOrPromise":
    """How far a median of this many people can be trusted: ROUGH, FAIR or SOLID, in the
    page's language when shown."""
    if people < FAIR_FROM:
        return ROUGH
    return FAIR if people < SOLID_FROM else SOLID


def median_interval_ranks(n: int) -> tuple[int, int] | None:
    """The ranks (j, k) of the order statistics x(j) <= x(k) of n values that hold the true
    median between them with at least CONFIDENCE_PERCENT% probability, or None when even the
    smallest and the largest do not (n < 6).

    The number B of values below the true median is Binomial(n, 1/2) whatever the distribution,
    and x(j) <= median < x(k) exactly when j <= B < k. With k = n + 1 - j (the two tails alike),
    the coverage is 1 - 2 P(B < j), so j is the largest rank with P(B < j) <= the tail allowed:
    n = 6 gives (1, 6), n = 20 (6, 15), n = 40 (14, 27), n = 100 (40, 61).
    """
    tail = (100 - CONFIDENCE_PERCENT) / 200
    # Walk P(B = i) upward from where everything below is negligible: ten standard deviations
    # (sqrt(n) / 2 each) under n / 2, so that a million values take thousands of steps, not
    # half a million. The first term comes from log-gamma, as 2**-n underflows past n = 1074.
    i = max(0, math.floor(n / 2 - 5 * math.sqrt(n)))
    below = 0.0  # P(B < i)
    at = math.exp(
        math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) - n * math.log(2)
    )
    while below + at <= tail:
        below += at
        at *= (n - i) / (i + 1)
        i += 1
    # Here P(B < i) <= tail < P(B < i + 1): i is the rank sought.
    return (i, n + 1 - i) if i >= 1 else None
