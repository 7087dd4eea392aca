from django.contrib import admin
from django_countries.filters import CountryFilter

from jobs.models import JobPosting, PostingEvent
from portal.admin import AuditTrailAdmin, AuditTrailInline, ModerationAdmin, QueueFilter


class PostingEventInline(AuditTrailInline):
    model = PostingEvent


@admin.register(JobPosting)
class JobPostingAdmin(ModerationAdmin):
    list_display = [
        "created_at", "title", "employer", "role", "level", "country", "pay", "status",
    ]  # fmt: skip
    list_filter = [QueueFilter, "level", "workplace", ("country", CountryFilter)]
    search_fields = ["title", "company_name", "role__name", "identifier"]
    list_select_related = ["role", "currency"]
    ordering = ["created_at"]
    inlines = [PostingEventInline]
    # What an employer sent is theirs to change (through their link); a moderator decides.
    readonly_fields = [field.name for field in JobPosting._meta.fields]

    @admin.display(description="pay range")
    def pay(self, posting):
        return (
            f"{posting.pay_min:,.0f}–{posting.pay_max:,.0f} {posting.currency_id} "
            f"{posting.get_pay_period_display()}"
        )


@admin.register(PostingEvent)
class PostingEventAdmin(AuditTrailAdmin):
    list_display = ["at", "action", "by", "posting_number", "reason", "note"]
    readonly_fields = ["posting", "posting_number", "action", "by", "at", "reason", "note"]
