"""Salary reports sent by visitors, and the moderation that turns them into observations."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django_countries.fields import CountryField

from salaries.models.facts import SalaryObservation, Source
from salaries.models.reference import (
    City,
    Company,
    CompanySize,
    Currency,
    EmploymentType,
    Industry,
    Level,
    Period,
    Role,
    SourceKind,
    conversion_table,
)

# User reports and their moderation --------------------------------------------------------

USER_REPORTS_SOURCE_KEY = "user-reports"


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class RejectionReason(models.TextChoices):
    IMPLAUSIBLE = "implausible", "Implausible figures"
    DUPLICATE = "duplicate", "Duplicate of another report"
    INCOMPLETE = "incomplete", "Incomplete or inconsistent"
    SPAM = "spam", "Spam or abuse"
    OTHER = "other", "Other (see note)"


class SalaryReportQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ReportStatus.PENDING)


class SalaryReport(models.Model):
    """What a visitor sends about their own pay. Nothing here is public: approving a report
    creates the SalaryObservation that pages read."""

    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT)
    country = CountryField(help_text="Where you live and work")
    city = models.CharField(max_length=100, blank=True)
    level = models.CharField(max_length=10, choices=Level.choices)
    years_experience = models.PositiveSmallIntegerField(validators=[MaxValueValidator(60)])
    employment_type = models.CharField(max_length=10, choices=EmploymentType.choices)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, null=True, blank=True)
    company = models.CharField(max_length=150, blank=True)
    company_size = models.CharField(max_length=1, choices=CompanySize.choices, blank=True)
    remote_ratio = models.PositiveSmallIntegerField(null=True, blank=True)
    year = models.PositiveSmallIntegerField()
    period = models.CharField(max_length=5, choices=Period.choices)
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text="Gross pay")
    bonus = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    equity = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    outlier_note = models.CharField(
        max_length=200, blank=True, help_text="Set when the pay is far from similar reports"
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=12, choices=RejectionReason.choices, blank=True)
    moderator_note = models.CharField(max_length=300, blank=True)
    observation = models.OneToOneField(
        SalaryObservation, on_delete=models.SET_NULL, null=True, blank=True, related_name="report"
    )

    objects = SalaryReportQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at"]
        permissions = [("moderate_salaryreport", "Can approve or reject salary reports")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="report_amount_positive"),
            models.CheckConstraint(
                condition=Q(remote_ratio__isnull=True) | Q(remote_ratio__lte=100),
                name="report_remote_ratio_percent",
            ),
            models.CheckConstraint(
                condition=Q(years_experience__lte=60), name="report_years_experience_plausible"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.REJECTED) | ~Q(rejection_reason=""),
                name="report_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.PENDING) | Q(moderated_by__isnull=False),
                name="report_decision_has_moderator",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.role} in {self.country.code}, {self.amount} {self.currency_id}"

    def _lock_pending(self):
        """Lock the row, so two moderators cannot decide the same report at once."""
        current = SalaryReport.objects.select_for_update().get(pk=self.pk)
        if current.status != ReportStatus.PENDING:
            raise ValueError(f"Report {self.pk} was already {current.get_status_display().lower()}")

    def _decide(self, by, status, **fields):
        self.status, self.moderated_by, self.moderated_at = status, by, timezone.now()
        for name, value in fields.items():
            setattr(self, name, value)
        self.save()
        ModerationEvent.objects.create(
            report=self,
            action=status,
            by=by,
            reason=self.rejection_reason,
            note=self.moderator_note,
        )

    @transaction.atomic
    def approve(self, by) -> SalaryObservation:
        """Publish the report as an observation of the user-reports source.

        A city or company is linked only when it already exists: a name a visitor typed never
        becomes public by itself (it stays on the report for the moderator)."""
        self._lock_pending()
        source, _ = Source.objects.get_or_create(
            key=USER_REPORTS_SOURCE_KEY,
            defaults={"kind": SourceKind.USER_REPORT, "title": "Reports from Talab users",
                      "publisher": "Talab", "year": timezone.now().year},
        )  # fmt: skip
        city = City.objects.filter(country=self.country, name__iexact=self.city).first()
        company = Company.objects.named(self.company) if self.company else None
        observation = SalaryObservation(
            source=source,
            source_key=f"report-{self.pk}",
            role=self.role,
            level=self.level,
            years_experience=self.years_experience,
            employment_type=self.employment_type,
            industry=self.industry,
            city=city,
            company=company,
            company_size=self.company_size,
            remote_ratio=self.remote_ratio,
            employee_country=self.country,
            year=self.year,
            period=self.period,
            currency=self.currency,
            amount=self.amount,
            bonus=self.bonus,
            equity=self.equity,
        )
        observation.normalize(conversion_table())
        observation.save()
        self._decide(by, ReportStatus.APPROVED, observation=observation)
        return observation

    @transaction.atomic
    def reject(self, by, reason: str, note: str = "") -> None:
        self._lock_pending()
        if reason not in RejectionReason.values:
            raise ValueError(f"Unknown rejection reason {reason!r}")
        self._decide(by, ReportStatus.REJECTED, rejection_reason=reason, moderator_note=note[:300])


class ModerationEvent(models.Model):
    """The audit trail: who decided what about which report, when and why."""

    report = models.ForeignKey(SalaryReport, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=10, choices=ReportStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=12, choices=RejectionReason.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.by} {self.action} report {self.report_id} at {self.at:%Y-%m-%d %H:%M}"
