from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.functional import cached_property
from django_countries.filters import CountryFilter

from portal.admin import (
    INTERNAL,
    AuditTrailAdmin,
    AuditTrailInline,
    FlagFilter,
    ModerationAdmin,
    QueueFilter,
    action_form_page,
    shown_fields,
)
from salaries.admin import roles  # noqa: F401 (registers the roles' admin pages)
from salaries.forms import A_PERIOD
from salaries.models import (
    City,
    Company,
    CompanyAlias,
    Currency,
    ExchangeRate,
    ImportBatch,
    Industry,
    ModerationEvent,
    PublishedPayGap,
    PublishedRange,
    PurchasingPowerFactor,
    Role,
    SalaryObservation,
    SalaryReport,
    Source,
    SourceKind,
    conversion_table,
)
from salaries.money import format_money
from salaries.statistics import Percentiles


class EstimatedCountPaginator(Paginator):
    """Counting a million rows on every changelist page is slow; unfiltered, ask the planner.

    PostgreSQL keeps an estimate of each table's size in pg_class, refreshed by autovacuum and
    ANALYZE. A filtered list still gets an exact count.
    """

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [self.object_list.model._meta.db_table],
                )
                estimate = cursor.fetchone()[0]
            if estimate > 10_000:
                return estimate
        return super().count


@admin.register(Currency)
class CurrencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "country"]
    list_filter = [("country", CountryFilter)]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(CompanyAlias)
class CompanyAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "company"]
    search_fields = ["name", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]


class CompanyAliasInline(admin.TabularInline):
    model = CompanyAlias
    extra = 1


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CompanyAliasInline]


class RenormalizeOnSaveMixin:
    """Stored yearly, dollar and PPP figures follow an edited rate or factor at once: the
    observations and ranges it feeds are recomputed when it is saved."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        table = conversion_table()
        count = SalaryObservation.objects.filter(obj.fed_facts()).renormalize(table)
        for published in PublishedRange.objects.filter(obj.fed_facts()):
            published.normalize(table)
            published.save()
        self.message_user(request, f"Recomputed the figures of {count:,} observation(s).")


@admin.register(ExchangeRate)
class ExchangeRateAdmin(RenormalizeOnSaveMixin, admin.ModelAdmin):
    list_display = ["currency", "units_per_usd", "as_of", "source"]
    list_editable = ["units_per_usd"]
    list_filter = ["as_of", "currency"]
    search_fields = ["currency__code", "currency__name", "source"]
    list_select_related = ["currency"]
    autocomplete_fields = ["currency"]
    date_hierarchy = "as_of"


@admin.register(PurchasingPowerFactor)
class PurchasingPowerFactorAdmin(RenormalizeOnSaveMixin, admin.ModelAdmin):
    list_display = ["country", "year", "lcu_per_international_dollar", "currency", "source"]
    list_editable = ["lcu_per_international_dollar"]
    list_filter = ["year", ("country", CountryFilter)]
    search_fields = ["country", "currency__code"]
    list_select_related = ["currency"]
    autocomplete_fields = ["currency"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "author", "publisher", "year", "licence"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "author", "publisher", "key"]
    prepopulated_fields = {"key": ["title"]}

    def get_readonly_fields(self, request, obj=None):
        # A source's kind decides what pages may list: one edit from "user report" to
        # "survey" would list every visitor's report row by row. Set once, when added.
        return ["key", "kind"] if obj else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "source", "rows_read", "rows_added", "rows_rejected", "created_at"]
    list_filter = ["source"]
    list_select_related = ["source"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False  # batches are written by import_salaries only


@admin.register(PublishedRange)
class PublishedRangeAdmin(admin.ModelAdmin):
    list_display = [
        "label", "role", "country", "level", "low", "high", "currency", "period", "year",
        "source",
    ]  # fmt: skip
    list_filter = ["source", "level", "period", "pay_basis", ("country", CountryFilter)]
    search_fields = ["label", "label_ne", "role__name", "city__name", "source__title"]
    list_select_related = ["role", "currency", "source"]
    autocomplete_fields = ["role", "city", "industry", "currency"]
    readonly_fields = [
        "yearly_low", "yearly_high", "usd_low", "usd_high", "ppp_low", "ppp_high",
        "exchange_rate", "ppp_factor",
    ]  # fmt: skip


@admin.register(PublishedPayGap)
class PublishedPayGapAdmin(admin.ModelAdmin):
    list_display = ["label", "role", "compared_to", "low_percent", "high_percent", "source"]
    list_filter = ["source"]
    search_fields = ["label", "role__name", "compared_to__name"]
    list_select_related = ["role", "compared_to", "source"]
    autocomplete_fields = ["role", "compared_to"]


@admin.register(SalaryObservation)
class SalaryObservationAdmin(admin.ModelAdmin):
    list_display = [
        "id", "role", "employee_country", "level", "year", "amount", "currency", "period",
        "usd_yearly", "source",
    ]  # fmt: skip
    list_filter = [
        "source", "level", "employment_type", "company_size", "year",
        ("employee_country", CountryFilter),
    ]  # fmt: skip
    search_fields = ["role__name"]
    list_select_related = ["role", "currency", "source"]
    raw_id_fields = ["role", "company", "city", "industry", "import_batch"]
    readonly_fields = [
        "yearly_amount", "usd_yearly", "ppp_yearly", "exchange_rate", "ppp_factor",
        "source_key", "created_at",
    ]  # fmt: skip
    ordering = ["-id"]  # the primary key index makes the first page cheap at any size
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    # An observation made from a visitor's report changes only through the report: approval
    # makes it, its sender's withdrawal deletes it; both are in the audit trail.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.from_report(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.from_report(obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would take reports with it
        return actions

    @staticmethod
    def from_report(obj) -> bool:
        return obj is not None and obj.source.kind == SourceKind.USER_REPORT


class ModerationEventInline(AuditTrailInline):
    model = ModerationEvent


class MapRoleForm(forms.Form):
    role = forms.ModelChoiceField(queryset=Role.objects.listed(), label="File under the role")


def group_figures(queryset):
    """Each report with the count and median yearly dollar pay of the published observations
    for its role and country: context for the moderator, in the changelist's one query."""
    peers = SalaryObservation.objects.filter(
        role=OuterRef("role"), employee_country=OuterRef("country"), usd_yearly__isnull=False
    ).values("role")
    return queryset.annotate(
        group_count=Subquery(peers.annotate(n=Count("id")).values("n")[:1]),
        group_median=Subquery(peers.annotate(m=Percentiles("usd_yearly", [0.5])).values("m")[:1]),
    )


class SybilFilter(admin.SimpleListFilter):
    """Reports that may be one of many from one person (SalaryReport.note_sybil_signs)."""

    title = "one of many?"
    parameter_name = "sybil"

    def lookups(self, request, model_admin):
        return [("yes", "Flagged"), ("no", "Not flagged")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(sybil_note="")
        if self.value() == "no":
            return queryset.filter(sybil_note="")
        return queryset


@admin.register(SalaryReport)
class SalaryReportAdmin(ModerationAdmin):
    # Short columns, so the queue fits a 1280-pixel screen.
    list_display = [
        "sent", "title", "country", "level", "pay", "year", "group", "flagged", "many_alike",
        "duplicate", "status",
    ]  # fmt: skip
    list_filter = [QueueFilter, FlagFilter, SybilFilter, "level", ("country", CountryFilter)]
    search_fields = ["role__name", "role_title", "company", "city"]
    list_select_related = ["role"]
    arrived = "submitted_at"
    ordering = [arrived]
    alike = ("role", "country", "level", "amount", "currency", "period")
    alike_within = timedelta(days=1)
    flagged_when = ModerationAdmin.flagged_when | ~Q(outlier_note="") | ~Q(sybil_note="")
    actions = [*ModerationAdmin.actions, "map_to_role"]
    inlines = [ModerationEventInline]
    # What a visitor sent is evidence: nobody edits it, a moderator only decides.
    fields = readonly_fields = shown_fields(SalaryReport, {
        **INTERNAL, "fingerprint": None, "amount": "pay", "currency": None, "period": None,
        "bonus": "bonus_pay", "equity": "equity_pay",
    })  # fmt: skip

    def get_queryset(self, request):
        return group_figures(super().get_queryset(request))

    @admin.display(description="job title", ordering="role__name")
    def title(self, report):
        return report.title if report.role_id else f"“{report.role_title}” (not in our list)"

    @admin.display(description="pay", ordering="amount")
    def pay(self, report):
        return f"{format_money(report.amount, report.currency_id)} {A_PERIOD[report.period]}"

    @admin.display(description="bonus (a year)")
    def bonus_pay(self, report):
        return format_money(report.bonus, report.currency_id) if report.bonus else "–"

    @admin.display(description="equity (a year)")
    def equity_pay(self, report):
        return format_money(report.equity, report.currency_id) if report.equity else "–"

    @admin.display(description="group")
    def group(self, report):
        """Its group's count and median yearly dollar pay."""
        if not report.group_count:
            return "none yet"
        return f"{report.group_count:,}, ${report.group_median[0]:,.0f}/yr"

    @admin.display(boolean=True, description="outlier")
    def flagged(self, report):
        return bool(report.outlier_note)

    @admin.display(boolean=True, description="many?")
    def many_alike(self, report):
        return bool(report.sybil_note)

    @admin.action(description="File selected reports under a role…", permissions=["moderate"])
    def map_to_role(self, request, queryset):
        form = MapRoleForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            role = form.cleaned_data["role"]
            self.decide_each(
                request, queryset, lambda report: report.map_to_role(role, by=request.user),
                f"Filed under {role}:",
            )  # fmt: skip
            return None
        return action_form_page(
            self,
            request,
            "map_to_role",
            "File reports under a role",
            form,
            queryset.pending(),
            "admin/salaries/salaryreport/map_role.html",
        )


@admin.register(ModerationEvent)
class ModerationEventAdmin(AuditTrailAdmin):
    list_display = ["at", "action", "by", "report_number", "reason", "note"]
    readonly_fields = ["report", "report_number", "action", "by", "at", "reason", "note"]
