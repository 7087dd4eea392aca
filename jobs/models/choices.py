"""What a job posting may be: its statuses, the actions its audit trail records, where the job
is done, why a moderator may refuse it, and the limits on its dates, range and texts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.moderation import PENDING
from salaries.models import Level

DEFAULT_DAYS_OPEN = 60
MAX_DAYS_OPEN = 120
# A closed posting's page says so for this long, then answers 410 Gone.
DAYS_SHOWN_CLOSED = 30
PAY_FIELDS = {"currency", "currency_id", "pay_min", "pay_max", "pay_period", "country"}
# A range wider than this (maximum over minimum) says nothing about the pay.
MAX_RANGE_RATIO = 3
# The longest free texts, in characters: the form, the admin, imports and a database check
# hold them to it. The description feeds the search vector, and PostgreSQL refuses a tsvector
# over 1 MB of lexemes and positions (a 1.8 MB description failed the whole save); 20,000
# characters, at most 80 kB in UTF-8, stay far below that whatever the words. That is about
# 3,000 words, several times a long job advert, with room for the HTML an employer's system
# exports. Benefits are a list beside the pay: 5,000 characters is a very long one.
DESCRIPTION_MAX_LENGTH = 20_000
BENEFITS_MAX_LENGTH = 5_000
# The months of experience a level asks at least (schema.org's experienceRequirements), the
# same bounds an import reads a level from; an entry-level job asks none we can say.
MONTHS_OF_EXPERIENCE = {
    Level.MID: 36, Level.SENIOR: 72, Level.LEAD: 72, Level.EXECUTIVE: 72
}  # fmt: skip


class PostingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = PENDING, _("Waiting for review")
    PUBLISHED = "published", _("Published")
    EXPIRED = "expired", _("Expired")
    FILLED = "filled", _("Filled")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PostingAction(models.TextChoices):
    """What the audit trail records (PostingEvent.action): a step, never a status."""

    SUBMITTED = "submitted", _("Sent for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    FILLED = "filled", _("Marked filled by the employer")
    WITHDRAWN = "withdrawn", _("Withdrawn by the employer")
    EXPIRED = "expired", _("Expired")
    IMPORTED = "imported", _("Imported")
    UPDATED = "updated", _("Changed by its feed")


class Workplace(models.TextChoices):
    ON_SITE = "on_site", _("On-site")
    HYBRID = "hybrid", _("Hybrid")
    REMOTE = "remote", _("Remote")


class PostingRejection(models.TextChoices):
    RANGE = "range", _("Pay range not genuine")
    NOT_A_JOB = "not_a_job", _("Not a real job")
    OUT_OF_SCOPE = "scope", _("Not a data, ML or AI job")
    DUPLICATE = "duplicate", _("Duplicate of another posting")
    SPAM = "spam", _("Spam or abuse")
    OTHER = "other", _("Other (see note)")
