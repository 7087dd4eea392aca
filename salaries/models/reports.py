"""Salary reports sent by visitors, and the moderation that turns them into observations."""

from datetime import timedelta
from decimal import Decimal

from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_countries.fields import CountryField

from portal.models import PrivateLink
from portal.moderation import (
    Actor,
    Moderated,
    ModeratedQuerySet,
    ModerationEventBase,
    Transition,
    Vanished,
)
from salaries.models.observations import SalaryObservation
from salaries.models.reference import (
    City,
    Company,
    CompanySize,
    Currency,
    EmploymentType,
    Industry,
    Level,
    Period,
    SourceKind,
    conversion_table,
)
from salaries.models.releases import ReportFigure
from salaries.models.roles import Role
from salaries.models.sources import Source

# User reports and their moderation --------------------------------------------------------

# Sybil friction: one person sending many reports into a cell (to move or read its figures)
# leaves traces a moderator should see. "Alike": the same cell, currency and period, pay
# within ALIKE_SHARE, sent within ALIKE_DAYS. A withdrawal within QUICK_WITHDRAWAL of the
# approval (before its release could even have used it) is noted in the audit trail.
ALIKE_SHARE = Decimal("0.05")
ALIKE_DAYS = 7
ALIKE_FLAGGED_FROM = 2  # reports already there
WITHDRAWALS_FLAGGED_FROM = 2  # withdrawals from the sender's connection lately
QUICK_WITHDRAWAL = timedelta(days=1)

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


class ReportAction(models.TextChoices):
    """What the audit trail records (ModerationEvent.action): a step, never a status."""

    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    ROLE_MAPPED = "role", "Filed under a role"
    WITHDRAWN = "withdrawn", "Withdrawn by its sender"


class SalaryReport(PrivateLink, Moderated):
    """What a visitor sends about their own pay. Nothing here is public: approving a report
    creates the SalaryObservation that pages read. The submitter keeps a private link to it
    (see its status, withdraw it)."""

    noun = "Report"
    # Every step a report may take (portal.moderation), and who may: its sender's withdrawal
    # deletes it, whatever became of it.
    S, A = ReportStatus, ReportAction
    transitions = (
        #          from status  action          to status   who may
        Transition(S.PENDING,   A.ROLE_MAPPED,  S.PENDING,  Actor.MODERATOR),
        Transition(S.PENDING,   A.APPROVED,     S.APPROVED, Actor.MODERATOR),
        Transition(S.PENDING,   A.REJECTED,     S.REJECTED, Actor.MODERATOR),
        Transition(S.PENDING,   A.WITHDRAWN,    None,       Actor.SENDER),
        Transition(S.APPROVED,  A.WITHDRAWN,    None,       Actor.SENDER),
        Transition(S.REJECTED,  A.WITHDRAWN,    None,       Actor.SENDER),
    )  # fmt: skip
    del S, A

    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, null=True, blank=True)
    role_title = models.CharField(
        max_length=120, blank=True, help_text="A title the visitor typed that is not in our list"
    )
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
    sybil_note = models.CharField(
        max_length=200, blank=True,
        help_text="Set when it may be one of many reports from one person (see its reasons)",
    )  # fmt: skip
    rejection_reason = models.CharField(max_length=12, choices=RejectionReason.choices, blank=True)
    observation = models.OneToOneField(
        SalaryObservation, on_delete=models.SET_NULL, null=True, blank=True, related_name="report"
    )
    releases_used = models.PositiveSmallIntegerField(
        default=0, editable=False,
        help_text="Releases whose figures this report took part in (each spends privacy)",
    )  # fmt: skip
    fingerprint = models.CharField(
        max_length=64, blank=True, db_index=True, editable=False,
        help_text="A keyed hash of the sender and the figures, to spot the same report twice",
    )  # fmt: skip

    objects = ModeratedQuerySet.as_manager()

    class Meta(PrivateLink.Meta):
        ordering = ["submitted_at"]
        permissions = [("moderate_salaryreport", "Can approve or reject salary reports")]
        constraints = [
            *PrivateLink.Meta.constraints,
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
            models.CheckConstraint(
                condition=Q(role__isnull=False) | ~Q(role_title=""), name="report_has_a_role"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.APPROVED) | Q(role__isnull=False),
                name="report_approved_has_a_known_role",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        from salaries.money import format_money  # which reads the models: imported late

        pay = f"{format_money(self.amount, self.currency_id)} {self.get_period_display()}"
        return f"{self.title} in {self.country.code}, {pay}"

    @property
    def title(self) -> str:
        return self.role.name if self.role else self.role_title

    def note_sybil_signs(self, recent_withdrawals: int) -> None:
        """Before it is saved: say why it may be one of many reports from one person, from
        the reports alike in its cell and the withdrawals from its sender's connection."""
        alike = SalaryReport.objects.filter(
            role=self.role, role_title=self.role_title, country=self.country, level=self.level,
            currency=self.currency, period=self.period,
            amount__range=(self.amount * (1 - ALIKE_SHARE), self.amount * (1 + ALIKE_SHARE)),
            submitted_at__gte=timezone.now() - timedelta(days=ALIKE_DAYS),
        ).count()  # fmt: skip
        signs = []
        if alike >= ALIKE_FLAGGED_FROM:
            signs.append(
                f"{alike} reports alike (same group, pay within {ALIKE_SHARE:.0%}) in "
                f"{ALIKE_DAYS} days"
            )
        if recent_withdrawals >= WITHDRAWALS_FLAGGED_FROM:
            signs.append(f"{recent_withdrawals} withdrawals from its connection in a day or two")
        self.sybil_note = "; ".join(signs)

    @transaction.atomic
    def approve(self, by) -> SalaryObservation:
        """Publish the report as an observation of the user-reports source.

        A city or company is linked only when it already exists: a name a visitor typed never
        becomes public by itself (it stays on the report for the moderator)."""
        report = self.locked_for(ReportAction.APPROVED, Actor.MODERATOR)
        observation = report.observation_to_publish()
        report.move(ReportAction.APPROVED, Actor.MODERATOR, by, observation=observation)
        self.refresh_from_db()
        return observation

    def observation_to_publish(self) -> SalaryObservation:
        """The observation an approval publishes, saved."""
        if not self.role_id:
            raise ValueError(f"Report {self.pk} needs a role from our list before it is approved.")
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
        return observation

    @transaction.atomic
    def reject(self, by, reason: str, note: str = "") -> None:
        report = self.locked_for(ReportAction.REJECTED, Actor.MODERATOR)
        if reason not in RejectionReason.values:
            raise ValueError(f"Unknown rejection reason {reason!r}")
        report.move(ReportAction.REJECTED, Actor.MODERATOR, by, reason=reason, note=note)
        self.refresh_from_db()

    @transaction.atomic
    def map_to_role(self, role, by) -> None:
        """A moderator files a title the visitor typed under one of our roles."""
        report = self.locked_for(ReportAction.ROLE_MAPPED, Actor.MODERATOR)
        report.move(ReportAction.ROLE_MAPPED, Actor.MODERATOR, by, note=role.name, role=role)
        self.refresh_from_db()

    @transaction.atomic
    def withdraw(self) -> None:
        """The submitter takes the report back, for good: it and its observation are deleted
        at once; released figures that counted it change at the next release. The audit trail
        keeps only that a withdrawal happened."""
        try:
            report = self.locked_for(ReportAction.WITHDRAWN, Actor.SENDER)
        except Vanished:
            return  # withdrawn a moment ago (a second click): nothing left to do
        observation = report.observation
        quick = report.status == ReportStatus.APPROVED and (
            timezone.now() - report.moderated_at < QUICK_WITHDRAWAL
        )
        if report.releases_used:
            # Its cell's released figures still hold it: the next release computes them again.
            ReportFigure.objects.filter(
                role=report.role_id, country=report.country, level=report.level
            ).update(withdrawals=F("withdrawals") + 1)
        note = "within a day of its approval" if quick else ""
        report.move(ReportAction.WITHDRAWN, Actor.SENDER, note=note)  # deletes it
        if observation:
            observation.delete()


class ModerationEvent(ModerationEventBase):
    """The reports' audit trail (see ModerationEventBase)."""

    item_field = "report"
    Action = ReportAction

    report = models.ForeignKey(
        SalaryReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    report_number = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(max_length=12, choices=RejectionReason.choices, blank=True)

    class Meta(ModerationEventBase.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(action="withdrawn") | Q(by__isnull=False),
                name="moderation_event_has_a_moderator",
            )
        ]
