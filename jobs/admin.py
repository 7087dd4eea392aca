from django.contrib import admin
from django_countries.filters import CountryFilter

from jobs.models import JobPosting, PostingEvent
from portal.admin import (
    INTERNAL,
    AuditTrailAdmin,
    AuditTrailInline,
    FlagFilter,
    ModerationAdmin,
    QueueFilter,
    shown_fields,
)
from salaries.forms import A_PERIOD
from salaries.money import format_range


class PostingEventInline(AuditTrailInline):
    model = PostingEvent


@admin.register(JobPosting)
class JobPostingAdmin(ModerationAdmin):
    # Short columns, so the queue fits a 1280-pixel screen.
    list_display = [
        "sent", "title", "employer", "role", "level", "country", "pay", "duplicate", "status",
    ]  # fmt: skip
    list_filter = [QueueFilter, FlagFilter, "level", "workplace", ("country", CountryFilter)]
    search_fields = ["title", "company_name", "role__name", "identifier"]
    list_select_related = ["role"]
    ordering = ["created_at"]
    alike = ("company_name", "title", "country", "currency", "pay_min", "pay_max", "pay_period")
    inlines = [PostingEventInline]
    # What an employer sent is theirs to change (through their link); a moderator decides.
    fields = readonly_fields = shown_fields(JobPosting, {
        **INTERNAL, "search_vector": None, "pay_min": "pay", "pay_max": None, "currency": None,
        "pay_period": None, "usd_yearly_min": "pay_in_dollars", "usd_yearly_max": None,
    })  # fmt: skip

    @admin.display(description="pay", ordering="pay_min")
    def pay(self, posting):
        pay = format_range(posting.pay_min, posting.pay_max, posting.currency_id)
        return f"{pay} {A_PERIOD[posting.pay_period]}"

    @admin.display(description="in dollars")
    def pay_in_dollars(self, posting):
        if posting.usd_yearly_min is None:
            return "–"
        return f"{format_range(posting.usd_yearly_min, posting.usd_yearly_max, 'USD')} a year"


@admin.register(PostingEvent)
class PostingEventAdmin(AuditTrailAdmin):
    list_display = ["at", "action", "by", "posting_number", "reason", "note"]
    readonly_fields = ["posting", "posting_number", "action", "by", "at", "reason", "note"]
