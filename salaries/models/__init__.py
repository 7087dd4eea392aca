"""Salary data: reference tables, sources, and the two kinds of salary facts.

Published ranges (what an article says a group earns) and individual observations (what one
person earns) are separate models so that no statistic can mix them. Both store the raw values
their source gave and, beside them, normalized yearly figures (original currency, USD, PPP) so
that filters and percentiles run in the database.

The models are split by concern, each module importing only the ones above it:
- reference: choices, currencies, roles, industries, cities, companies, rates, PPP factors;
- sources: sources and the import batches that brought their rows in;
- normalized: the fields and normalization both kinds of fact share;
- ranges: published ranges and pay gaps;
- observations: salary observations, and how their figures are written in bulk;
- releases: report figures as released, with differential privacy;
- reports: salary reports sent by visitors and their moderation.
"""

from salaries.models.normalized import NormalizedFact
from salaries.models.observations import (
    NORMALIZED_COLUMNS,
    SalaryObservation,
    SalaryObservationQuerySet,
    copy_rows,
)
from salaries.models.ranges import (
    PublishedPayGap,
    PublishedPayGapQuerySet,
    PublishedRange,
    PublishedRangeQuerySet,
)
from salaries.models.reference import (
    City,
    Company,
    CompanyAlias,
    CompanyQuerySet,
    CompanySize,
    Currency,
    EmploymentType,
    ExchangeRate,
    ExchangeRateQuerySet,
    Industry,
    Level,
    PayBasis,
    Period,
    PurchasingPowerFactor,
    PurchasingPowerFactorQuerySet,
    SluggedModel,
    SourceKind,
    conversion_table,
)
from salaries.models.releases import Release, ReportFigure, ReportFigureQuerySet
from salaries.models.reports import (
    USER_REPORTS_SOURCE_KEY,
    ModerationEvent,
    RejectionReason,
    ReportAction,
    ReportStatus,
    SalaryReport,
)
from salaries.models.roles import (
    GENERAL_ROLE_SLUG,
    Role,
    RoleAlias,
    RoleFamily,
    RoleQuerySet,
    role_merged,
)
from salaries.models.sources import ImportBatch, Source, SourceQuerySet

__all__ = [
    # sources, normalized, ranges, observations
    "NORMALIZED_COLUMNS",
    "ImportBatch",
    "NormalizedFact",
    "PublishedPayGap",
    "PublishedPayGapQuerySet",
    "PublishedRange",
    "PublishedRangeQuerySet",
    "SalaryObservation",
    "SalaryObservationQuerySet",
    "Source",
    "SourceQuerySet",
    "copy_rows",
    # reference
    "City",
    "Company",
    "CompanyAlias",
    "CompanyQuerySet",
    "CompanySize",
    "Currency",
    "EmploymentType",
    "ExchangeRate",
    "ExchangeRateQuerySet",
    "Industry",
    "Level",
    "PayBasis",
    "Period",
    "PurchasingPowerFactor",
    "PurchasingPowerFactorQuerySet",
    "SluggedModel",
    "SourceKind",
    "conversion_table",
    # roles
    "GENERAL_ROLE_SLUG",
    "Role",
    "RoleAlias",
    "RoleFamily",
    "RoleQuerySet",
    "role_merged",
    # releases
    "Release",
    "ReportFigure",
    "ReportFigureQuerySet",
    # reports
    "USER_REPORTS_SOURCE_KEY",
    "ModerationEvent",
    "RejectionReason",
    "ReportAction",
    "ReportStatus",
    "SalaryReport",
]
