"""Job postings: each states its pay range, is checked by a moderator, and is set against the
market's figures for the same role, country and level.

A posted range is a third kind of figure, beside published ranges and individual observations:
it is what one employer offers, so it is shown posting by posting and never enters a
statistic about people's pay.

The models are split by concern, each module importing only the ones above it:
- choices: statuses, actions, workplaces, rejection reasons, and the limits a posting keeps;
- postings: the posting, its lifecycle (its transition table) and its schema.org data;
- events: the postings' audit trail.
"""

from jobs.models.choices import (
    BENEFITS_MAX_LENGTH,
    DAYS_SHOWN_CLOSED,
    DEFAULT_DAYS_OPEN,
    DESCRIPTION_MAX_LENGTH,
    MAX_DAYS_OPEN,
    MAX_RANGE_RATIO,
    MONTHS_OF_EXPERIENCE,
    PAY_FIELDS,
    PostingAction,
    PostingRejection,
    PostingStatus,
    Workplace,
)
from jobs.models.events import PostingEvent
from jobs.models.postings import (
    SCHEMA_EMPLOYMENT_TYPE,
    SCHEMA_UNIT,
    JobPosting,
    JobPostingQuerySet,
)

__all__ = [
    # choices
    "BENEFITS_MAX_LENGTH",
    "DAYS_SHOWN_CLOSED",
    "DEFAULT_DAYS_OPEN",
    "DESCRIPTION_MAX_LENGTH",
    "MAX_DAYS_OPEN",
    "MAX_RANGE_RATIO",
    "MONTHS_OF_EXPERIENCE",
    "PAY_FIELDS",
    "PostingAction",
    "PostingRejection",
    "PostingStatus",
    "Workplace",
    # postings
    "SCHEMA_EMPLOYMENT_TYPE",
    "SCHEMA_UNIT",
    "JobPosting",
    "JobPostingQuerySet",
    # events
    "PostingEvent",
]
