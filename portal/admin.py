"""Admin pieces several apps share: the moderation queue (reports, job postings) and the page
an admin action shows to ask for more before acting."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from portal.moderation import PENDING


def action_form_page(model_admin, request, action, title, form, objects, template):
    """The page an admin action shows to ask for more (a target, a reason) before acting."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "action": action,
        "objects": objects,
        "form": form,
        "opts": model_admin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, template, context)


class QueueFilter(admin.SimpleListFilter):
    """The changelist opens on the queue: items waiting for review, oldest first."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*model_admin.model._meta.get_field("status").choices, ("all", "All")]

    def queryset(self, request, queryset):
        value = self.value() or PENDING
        return queryset if value == "all" else queryset.filter(status=value)

    def choices(self, changelist):
        current = self.value() or PENDING
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class RejectForm(forms.Form):
    reason = forms.ChoiceField()
    note = forms.CharField(max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = reasons  # type: ignore[attr-defined]  # a ChoiceField


class ModerationAdmin(admin.ModelAdmin):
    """A moderation queue: the items waiting first, approve and reject in bulk (with a reason),
    each decision in the audit trail. Nobody adds or deletes items here: visitors send them
    and take them back through their private link. The model has approve(by) and
    reject(by, reason, note), and the permission "moderate_<model name>"."""

    actions = ["approve_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_moderate_permission(self, request):
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.moderate_{opts.model_name}")

    def get_actions(self, request):
        # Django offers "delete selected" to anyone who may delete; an item's fate is decided
        # by approving or rejecting it, which leaves an audit trail.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def decide_each(self, request, items, decide, done: str):
        """Decide items one by one, each in its own transaction, and say what happened: one
        someone else just decided (or one that cannot be approved yet) is reported, not a 500."""
        count, problems = 0, []
        # Selected on a page that was open while someone else decided: no longer in the queue.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        decided = self.model.objects.filter(pk__in=selected).exclude(pk__in=items)
        problems += [item.decision_text for item in decided.exclude(status=PENDING)]
        for item in items:
            try:
                decide(item)
                count += 1
            except ValueError as problem:  # AlreadyDecided, or not ready to be approved
                problems.append(str(problem))
        opts = self.model._meta
        noun = opts.verbose_name if count == 1 else opts.verbose_name_plural
        self.message_user(request, f"{done} {count} {noun}.")
        for text in problems:
            self.message_user(request, text, messages.WARNING)

    @admin.action(description="Approve selected %(verbose_name_plural)s", permissions=["moderate"])
    def approve_selected(self, request, queryset):
        self.decide_each(request, queryset, lambda item: item.approve(by=request.user), "Approved")

    @admin.action(description="Reject selected %(verbose_name_plural)s…", permissions=["moderate"])
    def reject_selected(self, request, queryset):
        reasons = self.model._meta.get_field("rejection_reason").choices
        form = RejectForm(request.POST if "apply" in request.POST else None, reasons=reasons)
        if form.is_valid():
            reason, note = form.cleaned_data["reason"], form.cleaned_data["note"]
            self.decide_each(
                request, queryset, lambda item: item.reject(request.user, reason, note),
                "Rejected",
            )  # fmt: skip
            return None
        title = f"Reject {self.model._meta.verbose_name_plural}"
        return action_form_page(
            self, request, "reject_selected", title, form, queryset.pending(),
            "admin/moderation/reject.html",
        )  # fmt: skip


class AuditTrailInline(admin.TabularInline):
    """An item's decisions, under it in the admin; nobody adds or edits them."""

    extra = 0
    can_delete = False
    fields = readonly_fields = ("action", "by", "at", "reason", "note")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class AuditTrailAdmin(admin.ModelAdmin):
    """The audit trail is append-only: read here, written only by the items' methods."""

    list_filter = ["action", "reason"]
    list_select_related = ["by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
