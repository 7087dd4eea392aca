"""The figures layer: every figure about people's pay that a visitor can see comes from here.

Pages, the CSV export, JSON-LD, the sitemap, guides, job market panels and search counts ask
this package for figures, handing it a validated question (`Criteria`), and use only the names
below. Two kinds of figure never meet in one statistic:

- survey figures (`survey`): rows their sources published one by one, exact and exportable;
- report figures (`releases`): reports sent to Talab, released in batches with differential
  privacy and stored, so that no page, filter or moment can difference them out.

Every threshold and rule lives in `privacy`. Templates print what they are handed; they never
count, filter or decide whether a number may be shown.
"""

from salaries.figures.choices import (
    Choice,
    experience_known,
    filter_choices,
    home,
    role_countries_with_figures,
    roles_with_figures,
    source_counts,
)
from salaries.figures.criteria import Criteria
from salaries.figures.gaps import GapCheck, checked_gaps
from salaries.figures.offers import Market, OfferCheck, market, offer, typical_yearly_usd
from salaries.figures.privacy import People, Summary, round_significant
from salaries.figures.published import basis, check_against, published_ranges
from salaries.figures.releases import ReportSection, release, report_privacy, reports
from salaries.figures.survey import (
    Breakdown,
    Group,
    Panel,
    by_level,
    compare,
    country_share,
    export,
    landing,
    list_page,
    listing,
    panel,
)

__all__ = [
    "Breakdown", "Choice", "Criteria", "GapCheck", "Group", "Market", "OfferCheck", "Panel",
    "People", "ReportSection", "Summary", "basis", "by_level", "check_against", "checked_gaps",
    "compare", "country_share", "experience_known", "export", "filter_choices", "home",
    "landing", "list_page", "listing", "market", "offer", "panel", "published_ranges",
    "release", "report_privacy", "reports", "role_countries_with_figures", "roles_with_figures",
    "round_significant", "source_counts", "typical_yearly_usd",
]  # fmt: skip
