"""Job postings: each states its pay range, is checked by a moderator, and is set against the
market's figures for the same role, country and level.

A posted range is a third kind of figure, beside published ranges and individual observations:
it is what one employer offers, so it is shown posting by posting and never enters a
statistic about people's pay.
"""

from datetime import date, timedelta

from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_countries.fields import CountryField

from portal.markdown import render_markdown
from portal.models import PrivateLink, weighted_search_vector
from portal.moderation import PENDING, Moderated, ModeratedQuerySet, ModerationEventBase
from salaries.models import City, Currency, EmploymentType, Level, Period, Role, conversion_table

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


class PostingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = PENDING, "Waiting for review"
    PUBLISHED = "published", "Published"
    EXPIRED = "expired", "Expired"
    FILLED = "filled", "Filled"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Workplace(models.TextChoices):
    ON_SITE = "on_site", "On-site"
    HYBRID = "hybrid", "Hybrid"
    REMOTE = "remote", "Remote"


class PostingRejection(models.TextChoices):
    RANGE = "range", "Pay range not genuine"
    NOT_A_JOB = "not_a_job", "Not a real job"
    OUT_OF_SCOPE = "scope", "Not a data, ML or AI job"
    DUPLICATE = "duplicate", "Duplicate of another posting"
    SPAM = "spam", "Spam or abuse"
    OTHER = "other", "Other (see note)"


# schema.org JobPosting's employmentType for ours.
SCHEMA_EMPLOYMENT_TYPE = {
    EmploymentType.FULL_TIME: "FULL_TIME",
    EmploymentType.PART_TIME: "PART_TIME",
    EmploymentType.CONTRACT: "CONTRACTOR",
    EmploymentType.FREELANCE: "CONTRACTOR",
}
SCHEMA_UNIT = {Period.HOUR: "HOUR", Period.MONTH: "MONTH", Period.YEAR: "YEAR"}


class JobPostingQuerySet(ModeratedQuerySet):
    def public(self, today=None):
        """Postings visitors may find: published and still open."""
        today = today or timezone.localdate()
        return self.filter(status=PostingStatus.PUBLISHED, valid_through__gte=today)

    def shown(self):
        """Postings whose page may be shown: published once, open or closed since."""
        return self.filter(date_posted__isnull=False).exclude(status=PostingStatus.REJECTED)

    def due_to_expire(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=PostingStatus.PUBLISHED, valid_through__lt=today)

    def for_role(self, role, country=""):
        postings = self.public().filter(role=role)
        return postings.filter(country=country) if country else postings


class JobPosting(PrivateLink, Moderated):
    """A job an employer posts, with the pay range they genuinely expect to pay. The employer
    has no account: a private link lets them edit it while it waits, then mark it filled or
    withdraw it."""

    noun = "Posting"

    status = models.CharField(
        max_length=10, choices=PostingStatus.choices, default=PostingStatus.PENDING
    )
    identifier = models.CharField(
        max_length=200, blank=True, help_text="The employer's own reference (from an import)"
    )
    title = models.CharField(max_length=150)
    description = models.TextField(
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
        help_text="Markdown; HTML is removed but basic formatting.",
    )
    company_name = models.CharField("employer", max_length=150, blank=True)
    confidential = models.BooleanField(
        "confidential employer", default=False, help_text="Show the posting without the name"
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="job_postings")
    level = models.CharField(max_length=10, choices=Level.choices)
    country = CountryField(help_text="Where the job is based")
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True)
    employment_type = models.CharField(max_length=10, choices=EmploymentType.choices)
    workplace = models.CharField(max_length=8, choices=Workplace.choices)
    remote_countries = CountryField(
        multiple=True, blank=True, help_text="For a remote job: where applicants may live"
    )
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    pay_min = models.DecimalField("minimum pay", max_digits=14, decimal_places=2)
    pay_max = models.DecimalField("maximum pay", max_digits=14, decimal_places=2)
    pay_period = models.CharField("paid per", max_length=5, choices=Period.choices)
    bonus = models.CharField(max_length=200, blank=True)
    equity = models.CharField(max_length=200, blank=True)
    benefits = models.TextField(
        blank=True,
        max_length=BENEFITS_MAX_LENGTH,
        validators=[MaxLengthValidator(BENEFITS_MAX_LENGTH)],
    )
    apply_url = models.URLField("apply at (web address)", max_length=500, blank=True)
    apply_email = models.EmailField("apply by e-mail", blank=True)
    date_posted = models.DateField(null=True, blank=True, editable=False)
    valid_through = models.DateField(help_text=f"At most {MAX_DAYS_OPEN} days after posting")
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    rejection_reason = models.CharField(max_length=12, choices=PostingRejection.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = weighted_search_vector("title", "company_name", "description")
    # The range, yearly in US dollars at today's rates: what the "minimum pay" filter reads.
    usd_yearly_min = models.DecimalField(max_digits=16, decimal_places=2, null=True, editable=False)
    usd_yearly_max = models.DecimalField(max_digits=16, decimal_places=2, null=True, editable=False)

    objects = JobPostingQuerySet.as_manager()

    class Meta(PrivateLink.Meta):
        ordering = ["-date_posted", "-id"]
        permissions = [("moderate_jobposting", "Can approve or reject job postings")]
        constraints = [
            *PrivateLink.Meta.constraints,
            models.CheckConstraint(condition=Q(pay_min__gt=0), name="posting_pay_positive"),
            models.CheckConstraint(
                condition=Q(pay_min__lte=F("pay_max")), name="posting_pay_min_not_above_max"
            ),
            models.CheckConstraint(
                condition=Q(pay_max__lte=F("pay_min") * MAX_RANGE_RATIO),
                name="posting_pay_range_at_most_three_fold",
            ),
            models.CheckConstraint(
                condition=Q(date_posted__isnull=True)
                | Q(valid_through__lte=F("date_posted") + timedelta(days=MAX_DAYS_OPEN)),
                name="posting_open_at_most_120_days",
            ),
            models.CheckConstraint(
                condition=Q(confidential=True) | ~Q(company_name=""),
                name="posting_names_its_employer",
            ),
            models.CheckConstraint(
                condition=~Q(apply_url="") | ~Q(apply_email=""), name="posting_says_how_to_apply"
            ),
            models.CheckConstraint(
                condition=~Q(status=PostingStatus.REJECTED) | ~Q(rejection_reason=""),
                name="posting_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "pending", "rejected", "withdrawn"])
                | Q(date_posted__isnull=False),
                name="posting_published_has_date",
            ),
            models.UniqueConstraint(
                fields=["identifier"], condition=~Q(identifier=""), name="posting_unique_identifier"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("description"), DESCRIPTION_MAX_LENGTH),
                name="posting_description_at_most_20000_characters",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("benefits"), BENEFITS_MAX_LENGTH),
                name="posting_benefits_at_most_5000_characters",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_through", "-date_posted"]),
            models.Index(fields=["role", "country", "status"]),
            GinIndex(fields=["search_vector"], name="posting_search"),
        ]

    def __str__(self):
        return f"{self.title} ({self.employer}, {self.country.code})"

    def get_absolute_url(self):
        return reverse("jobs:detail", args=[self.pk, self.slug])

    @property
    def slug(self) -> str:
        return slugify(self.title)[:60] or "job"

    @property
    def employer(self) -> str:
        return "Confidential employer" if self.confidential else self.company_name

    @property
    def description_html(self):
        return render_markdown(self.description)

    @property
    def location(self) -> str:
        """Kathmandu, Nepal · Remote (from India or Nepal)."""
        place = ", ".join(filter(None, [self.city.name if self.city else "", self.country.name]))
        if self.workplace != Workplace.REMOTE:
            return f"{place} ({self.get_workplace_display().lower()})"
        if self.remote_countries:
            return f"Remote, from {', '.join(c.name for c in self.remote_countries)}"
        return f"Remote, from {self.country.name}"

    # Where a posting stands --------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status == PostingStatus.PUBLISHED and self.valid_through >= timezone.localdate()

    @property
    def closed_on(self) -> date | None:
        """When a once-published posting stopped taking applications, if it has."""
        if self.closed_at:
            return timezone.localdate(self.closed_at)
        if self.status == PostingStatus.PUBLISHED and not self.is_open:
            return self.valid_through + timedelta(days=1)  # expired; the nightly job is late
        return None

    @property
    def is_gone(self) -> bool:
        closed = self.closed_on
        return closed is not None and timezone.localdate() - closed > timedelta(DAYS_SHOWN_CLOSED)

    @property
    def editable(self) -> bool:
        """The employer may change it until a moderator has published it."""
        return self.status in (PostingStatus.DRAFT, PostingStatus.PENDING)

    # Figures ---------------------------------------------------------------------------

    def normalize(self, table=None) -> None:
        low, high = self.converted_range(table)
        self.usd_yearly_min, self.usd_yearly_max = low.usd, high.usd

    @property
    def usd_yearly_middle(self):
        return (self.usd_yearly_min + self.usd_yearly_max) / 2

    def converted_range(self, table=None):
        """(minimum, maximum) as salaries.conversion.Converted: yearly, in USD and PPP."""
        table = table or conversion_table()
        year = timezone.localdate().year
        return tuple(
            table.convert(amount, self.pay_period, self.currency_id, self.country.code, year)
            for amount in (self.pay_min, self.pay_max)
        )

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if fields is None or PAY_FIELDS & set(fields):
            self.normalize()
        super().save(*args, **kwargs)

    # The lifecycle: draft -> waiting for review -> published -> expired or filled; or
    # rejected, or withdrawn by the employer. Each step is in the audit trail. ----------------

    @transaction.atomic
    def approve(self, by, note: str = "") -> None:
        """Publish: dated today for good, and open until the day the employer chose while it
        is still ahead (at most 120 days), else for 60 days. The decision is made on the row
        as locked, so an edit the employer saved a moment ago is what gets published."""
        current = self.lock_pending()
        today = timezone.localdate()
        closing = current.valid_through
        if closing <= today:
            closing = today + timedelta(DEFAULT_DAYS_OPEN)
        closing = min(closing, today + timedelta(MAX_DAYS_OPEN))
        current.decide(by, PostingStatus.PUBLISHED, note=note, date_posted=today,
                       valid_through=closing)  # fmt: skip
        self.refresh_from_db()

    @transaction.atomic
    def reject(self, by, reason: str, note: str = "") -> None:
        current = self.lock_pending()
        if reason not in PostingRejection.values:
            raise ValueError(f"Unknown rejection reason {reason!r}")
        current.decide(by, PostingStatus.REJECTED, reason=reason, note=note)
        self.refresh_from_db()

    def locked(self) -> "JobPosting":
        """The row as it is now, locked until the transaction ends."""
        return JobPosting.objects.select_for_update().get(pk=self.pk)

    def _close(self, status, action) -> None:
        self.status, self.closed_at = status, self.closed_at or timezone.now()
        self.save(update_fields=["status", "closed_at", "updated_at"])
        PostingEvent.record(self, action, None)

    @transaction.atomic
    def send_for_review(self) -> bool:
        current = self.locked()
        if current.status != PostingStatus.DRAFT:
            return False
        current.status = PostingStatus.PENDING
        current.save(update_fields=["status", "updated_at"])
        PostingEvent.record(current, PostingEvent.Action.SUBMITTED, None)
        return True

    @transaction.atomic
    def mark_filled(self) -> bool:
        current = self.locked()
        if current.status not in (PostingStatus.PUBLISHED, PostingStatus.EXPIRED):
            return False
        current._close(PostingStatus.FILLED, PostingEvent.Action.FILLED)
        return True

    @transaction.atomic
    def withdraw(self) -> bool:
        """The employer takes it back. Withdrawn before publication it has no page; after, its
        page says so, like a filled one."""
        current = self.locked()
        if current.status in (PostingStatus.DRAFT, PostingStatus.PENDING):
            current.status = PostingStatus.WITHDRAWN
            current.save(update_fields=["status", "updated_at"])
            PostingEvent.record(current, PostingEvent.Action.WITHDRAWN, None)
        elif current.status == PostingStatus.PUBLISHED:
            current._close(PostingStatus.WITHDRAWN, PostingEvent.Action.WITHDRAWN)
        else:
            return False
        return True

    @classmethod
    @transaction.atomic
    def expire_due(cls, today=None) -> int:
        """Close every published posting past its date (the nightly `expire_postings`); a row
        an employer is closing this moment is left to them."""
        due = list(cls.objects.due_to_expire(today).select_for_update(skip_locked=True))
        for posting in due:
            posting._close(PostingStatus.EXPIRED, PostingEvent.Action.EXPIRED)
        return len(due)

    # For search engines ----------------------------------------------------------------

    def jsonld(self, url: str) -> dict:
        """schema.org JobPosting, with the fields Google documents for job search."""
        data = {
            "@context": "https://schema.org/",
            "@type": "JobPosting",
            "title": self.title,
            "description": str(self.description_html),
            "identifier": {"@type": "PropertyValue", "name": "Talab", "value": str(self.pk)},
            "datePosted": self.date_posted.isoformat(),
            "validThrough": f"{self.valid_through.isoformat()}T23:59:59Z",
            # Google's value for an employer hiring anonymously.
            "hiringOrganization": "confidential"
            if self.confidential
            else {"@type": "Organization", "name": self.company_name},
            "employmentType": SCHEMA_EMPLOYMENT_TYPE[self.employment_type],
            "baseSalary": {
                "@type": "MonetaryAmount",
                "currency": self.currency_id,
                "value": {
                    "@type": "QuantitativeValue",
                    "minValue": float(self.pay_min),
                    "maxValue": float(self.pay_max),
                    "unitText": SCHEMA_UNIT[self.pay_period],
                },
            },
            "url": url,
        }
        if self.workplace == Workplace.REMOTE:
            data["jobLocationType"] = "TELECOMMUTE"
            allowed = self.remote_countries or [self.country]
            data["applicantLocationRequirements"] = [
                {"@type": "Country", "name": country.name} for country in allowed
            ]
        else:
            address = {"@type": "PostalAddress", "addressCountry": self.country.code}
            if self.city:
                address["addressLocality"] = self.city.name
            data["jobLocation"] = {"@type": "Place", "address": address}
        return data


class PostingEvent(ModerationEventBase):
    """The postings' audit trail (see ModerationEventBase); `by` is empty for what the
    employer did through their link and for the nightly expiry."""

    item_field = "posting"

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Sent for review"
        APPROVED = PostingStatus.PUBLISHED, "Approved"
        REJECTED = "rejected", "Rejected"
        FILLED = "filled", "Marked filled by the employer"
        WITHDRAWN = "withdrawn", "Withdrawn by the employer"
        EXPIRED = "expired", "Expired"
        IMPORTED = "imported", "Imported"

    posting = models.ForeignKey(
        JobPosting, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    posting_number = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(max_length=12, choices=PostingRejection.choices, blank=True)

    class Meta(ModerationEventBase.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~Q(action__in=["rejected"]) | Q(by__isnull=False),
                name="posting_event_rejection_has_a_moderator",
            )
        ]
