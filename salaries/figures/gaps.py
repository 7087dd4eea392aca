"""A pay gap an article states between two roles, checked against the survey's own medians."""

from dataclasses import dataclass

from salaries.figures.criteria import Criteria
from salaries.figures.privacy import People
from salaries.figures.published import basis
from salaries.figures.survey import summary
from salaries.models import PublishedPayGap
from salaries.money import Display, display_unit


@dataclass(frozen=True)
class GapCheck:
    """A cited gap, and what the survey's medians say of the same two roles in the same place:
    `percent` by which the first role's median is above (or, negative, below) the second's."""

    gap: PublishedPayGap
    percent: int | None  # None when either median rests on too few people
    people: tuple[People, People]

    @property
    def agrees(self) -> bool:
        return self.percent is not None and (
            self.gap.low_percent <= self.percent <= self.gap.high_percent
        )


def checked_gaps(role, country: str = "") -> list[GapCheck]:
    """The gaps cited for a role (here or worldwide), each with the survey's verdict on it:
    salaried medians in dollars, worldwide for a worldwide claim, in its country otherwise."""
    usd = display_unit(Display.USD)
    checks = []
    for gap in PublishedPayGap.objects.involving(role, country).select_related(
        "role", "compared_to", "source"
    ):
        first, second = (
            summary(Criteria.for_group(usd, which, gap.country.code or "", (), basis("")))
            for which in (gap.role, gap.compared_to)
        )
        percent = None
        if first.median is not None and second.median is not None:
            percent = round((first.median / second.median - 1) * 100)
        checks.append(GapCheck(gap, percent, (first.people, second.people)))
    return checks
