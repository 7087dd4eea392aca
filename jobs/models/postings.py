"""The job posting: what an employer offers, its lifecycle and its schema.org data."""

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
from portal.markdown import render_markdown
from portal.models import PrivateLink, weighted_search_vector
from portal.moderation import Actor, AlreadyDecided, Moderated, ModeratedQuerySet, Transition
from salaries.models import City, Currency, EmploymentType, Level, Period, Role, conversion_table

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
    # Every step a posting may take (portal.moderation), and who may: the employer is its
    # sender; Talab itself imports, publishes on import and expires.
    S, A = PostingStatus, PostingAction
    MODERATOR, SENDER, SYSTEM = Actor.MODERATOR, Actor.SENDER, Actor.SYSTEM
    transitions = (
        #          from status   action       to status    who may
        Transition(None,         A.SUBMITTED, S.PENDING,   SENDER),  # the form (or a draft)
        Transition(None,         A.IMPORTED,  S.PENDING,   SYSTEM),  # import_jobs
        Transition(S.DRAFT,      A.SUBMITTED, S.PENDING,   SENDER),
        Transition(S.DRAFT,      A.WITHDRAWN, S.WITHDRAWN, SENDER),
        Transition(S.PENDING,    A.APPROVED,  S.PUBLISHED, MODERATOR | SYSTEM),
        Transition(S.PENDING,    A.REJECTED,  S.REJECTED,  MODERATOR),
        Transition(S.PENDING,    A.WITHDRAWN, S.WITHDRAWN, SENDER),
        Transition(S.PUBLISHED,  A.FILLED,    S.FILLED,    SENDER),
        Transition(S.PUBLISHED,  A.WITHDRAWN, S.WITHDRAWN, SENDER),
        Transition(S.PUBLISHED,  A.EXPIRED,   S.EXPIRED,   SYSTEM),
        Transition(S.EXPIRED,    A.FILLED,    S.FILLED,    SENDER),
    )  # fmt: skip
    del S, A, MODERATOR, SENDER, SYSTEM

    status = models.CharField(
        max_length=10, choices=PostingStatus.choices, default=PostingStatus.PENDING
    )
    identifier = models.CharField(
        max_length=200, blank=True, help_text="The employer's own reference (from an import)"
    )
    # Who issued the identifier (a feed's PropertyValue name): the identifier is then
    # "name:value", so two employers' systems may both number a posting 123.
    identifier_name = models.CharField(max_length=100, blank=True)
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
    # Blank only for an imported posting that does not say: compared with every level.
    level = models.CharField(max_length=10, choices=Level.choices, blank=True)
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

    # The lifecycle (the table above): each step locks the row (portal.moderation) and is
    # written to the audit trail. ---------------------------------------------------------

    @transaction.atomic
    def approve(self, by, note: str = "") -> None:
        """Publish: dated today for good, and open until the day the employer chose while it
        is still ahead (at most 120 days), else for 60 days. The decision is made on the row
        as locked, so an edit the employer saved a moment ago is what gets published. By
        nobody: Talab publishes it itself (import_jobs --publish)."""
        actor = Actor.MODERATOR if by else Actor.SYSTEM
        current = self.locked_for(PostingAction.APPROVED, actor)
        today = timezone.localdate()
        closing = current.valid_through
        if closing <= today:
            closing = today + timedelta(DEFAULT_DAYS_OPEN)
        closing = min(closing, today + timedelta(MAX_DAYS_OPEN))
        current.move(PostingAction.APPROVED, actor, by, note=note, date_posted=today,
                     valid_through=closing)  # fmt: skip
        self.refresh_from_db()

    @transaction.atomic
    def reject(self, by, reason: str, note: str = "") -> None:
        current = self.locked_for(PostingAction.REJECTED, Actor.MODERATOR)
        if reason not in PostingRejection.values:
            raise ValueError(f"Unknown rejection reason {reason!r}")
        current.move(PostingAction.REJECTED, Actor.MODERATOR, by, reason=reason, note=note)
        self.refresh_from_db()

    def move(self, action, actor, by=None, **fields) -> None:
        """Every step from a published or expired posting closes it: its page says so."""
        if self.status in (PostingStatus.PUBLISHED, PostingStatus.EXPIRED):
            fields.setdefault("closed_at", self.closed_at or timezone.now())
        super().move(action, actor, by, **fields)

    @transaction.atomic
    def by_employer(self, action) -> bool:
        """A step the employer takes through their private link (the table's steps for a
        sender). False when the posting's status changed meanwhile and no longer allows it."""
        try:
            current = self.locked_for(action, Actor.SENDER)
        except AlreadyDecided:
            return False
        current.move(action, Actor.SENDER)
        self.refresh_from_db()
        return True

    def send_for_review(self) -> bool:
        return self.by_employer(PostingAction.SUBMITTED)

    def mark_filled(self) -> bool:
        return self.by_employer(PostingAction.FILLED)

    def withdraw(self) -> bool:
        """The employer takes it back. Withdrawn before publication it has no page; after, its
        page says so, like a filled one."""
        return self.by_employer(PostingAction.WITHDRAWN)

    @classmethod
    def expire_due(cls, today=None) -> int:
        """Close every published posting past its date (the nightly `expire_postings`), each
        in its own transaction; one its employer closed meanwhile is left as they left it."""
        expired = 0
        for posting in cls.objects.due_to_expire(today).only("id"):
            with transaction.atomic():
                try:
                    current = posting.locked_for(PostingAction.EXPIRED, Actor.SYSTEM)
                except AlreadyDecided:
                    continue
                current.move(PostingAction.EXPIRED, Actor.SYSTEM)
                expired += 1
        return expired

    # For search engines ----------------------------------------------------------------

    def schema_identifier(self) -> dict:
        """The employer's own reference, as their feed gave it, else Talab's number."""
        if not self.identifier:
            return {"@type": "PropertyValue", "name": "Talab", "value": str(self.pk)}
        if not self.identifier_name:
            return {"@type": "PropertyValue", "name": self.employer, "value": self.identifier}
        value = self.identifier.removeprefix(f"{self.identifier_name}:")
        return {"@type": "PropertyValue", "name": self.identifier_name, "value": value}

    def jsonld(self, url: str) -> dict:
        """schema.org JobPosting, with the fields Google documents for job search."""
        data = {
            "@context": "https://schema.org/",
            "@type": "JobPosting",
            "title": self.title,
            "description": str(self.description_html),
            "identifier": self.schema_identifier(),
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
            # Applicants apply on the employer's site or by e-mail, never on this page.
            "directApply": False,
        }
        if months := MONTHS_OF_EXPERIENCE.get(self.level):
            data["experienceRequirements"] = {
                "@type": "OccupationalExperienceRequirements",
                "monthsOfExperience": months,
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
