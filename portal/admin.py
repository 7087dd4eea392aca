"""Admin pieces several apps share: the moderation queue (reports, job postings) and the page
an admin action shows to ask for more before acting."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.timesince import timesince

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


class FlagFilter(admin.SimpleListFilter):
    """Items with something for a moderator to look at first: ModerationAdmin.flagged_when."""

    title = "flags"
    parameter_name = "flagged"

    def __init__(self, request, params, model, model_admin):
        self.flagged_when = model_admin.flagged_when
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [("any", "Any flag"), ("duplicate", "Possible duplicate")]

    def queryset(self, request, queryset):
        if self.value() == "any":
            return queryset.filter(self.flagged_when)
        if self.value() == "duplicate":
            return queryset.filter(possible_duplicate=True)
        return queryset


# What a change page never shows: PrivateLink's keyed hash of the sender's link.
INTERNAL = {"link_hash": None}


def shown_fields(model, shown_as: dict[str, str | None]) -> list[str]:
    """The fields of a change page where nothing is edited: the model's, in order, each one
    `shown_as` names replaced (by a display method: the pay with its currency) or left out
    (None: a keyed hash, a search index, nothing a moderator reads)."""
    names = [shown_as.get(field.name, field.name) for field in model._meta.fields]
    return list(dict.fromkeys(name for name in names if name))


class RejectForm(forms.Form):
    reason = forms.ChoiceField()
    note = forms.CharField(max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = reasons  # type: ignore[attr-defined]  # a ChoiceField


class ModerationAdmin(admin.ModelAdmin):
    """A moderation queue: the items waiting first, approve and reject in bulk (with a reason)
    or one by one on an item's page, each decision in the audit trail. Nobody adds or deletes
    items here: visitors send them and take them back through their private link. The model
    has approve(by) and reject(by, reason, note), and the permission "moderate_<model name>"."""

    actions = ["approve_selected", "reject_selected"]
    change_form_template = "admin/moderation/change_form.html"
    arrived = "created_at"  # when an item came in: the queue's order and its age
    # Two items with these fields equal, sent within `alike_within` of each other: probably
    # one sent twice (a double click, a retried import), so the queue flags both.
    alike: tuple[str, ...] = ()
    alike_within = timedelta(hours=1)
    # What the "flags" filter and the admin's index count as flagged; a subclass adds its own.
    flagged_when = Q(possible_duplicate=True)

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

    def get_queryset(self, request):
        return self.with_duplicates(super().get_queryset(request))

    def with_duplicates(self, queryset):
        """Each item with `possible_duplicate` (another item alike, whatever became of it) and
        `sent_at`: an EXISTS in the list's one query, never a query a row."""
        arrived, within = OuterRef(self.arrived), self.alike_within
        twins = self.model.objects.filter(
            **{name: OuterRef(name) for name in self.alike},
            **{f"{self.arrived}__range": (arrived - within, arrived + within)},
        ).exclude(pk=OuterRef("pk"))
        return queryset.annotate(possible_duplicate=Exists(twins), sent_at=F(self.arrived))

    @admin.display(description="sent", ordering="sent_at")
    def sent(self, item):
        return f"{timesince(item.sent_at, depth=1)} ago"

    @admin.display(boolean=True, description="twin?", ordering="possible_duplicate")
    def duplicate(self, item):
        return item.possible_duplicate

    def queue_summary(self, request) -> dict:
        """What waits in this queue, for the admin's index: how many, how many flagged, how
        long the oldest has waited, with links to the queue so filtered."""
        opts = self.model._meta
        waiting = self.with_duplicates(self.model.objects.pending()).aggregate(
            pending=Count("pk"),
            flagged=Count("pk", filter=self.flagged_when),
            oldest=Min(self.arrived),
        )
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist",
                      current_app=self.admin_site.name)  # fmt: skip
        oldest = waiting["oldest"]
        return {
            **waiting,
            "name": opts.verbose_name_plural,
            "url": url,
            "flagged_url": f"{url}?{FlagFilter.parameter_name}=any",
            "waited": timesince(oldest, depth=1) if oldest else "",
        }

    # An item's page: nothing to edit; Approve and Reject instead ------------------------

    def decision_form(self, data=None):
        reasons = self.model._meta.get_field("rejection_reason").choices
        return RejectForm(data, reasons=[("", "(to reject) choose a reason"), *reasons])

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if set(self.get_fields(request, obj)) <= set(self.get_readonly_fields(request, obj)):
            # A Save button that saves nothing would only suggest something was edited.
            context.update(show_save=False, show_save_and_continue=False,
                           show_save_and_add_another=False)  # fmt: skip
        if obj is not None and obj.status == PENDING and self.has_moderate_permission(request):
            context["decision_form"] = self.decision_form()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST" and {"_approve", "_reject"} & set(request.POST):
            return self.decide_on_page(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_on_page(self, request, object_id):
        """Approve or reject from the item's page (the admin's CSRF check applies): back to
        the queue once decided, else to the page, with what went wrong."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        item = self.get_object(request, unquote(object_id))
        if item is None:
            raise Http404
        form, items = self.decision_form(request.POST), self.model.objects.filter(pk=item.pk)
        if "_approve" in request.POST:
            done = self.approve(request, items)
        elif form.is_valid():
            done = self.reject(
                request, items, form.cleaned_data["reason"], form.cleaned_data["note"]
            )
        else:
            self.message_user(request, "Choose a reason to reject it.", messages.ERROR)
            done = 0
        if done:
            return self.response_post_save_change(request, item)
        return redirect(request.get_full_path())

    def approve(self, request, items) -> int:
        return self.decide_each(
            request, items, lambda item: item.approve(by=request.user), "Approved"
        )

    def reject(self, request, items, reason, note) -> int:
        return self.decide_each(
            request, items, lambda item: item.reject(request.user, reason, note), "Rejected"
        )

    def decide_each(self, request, items, decide, done: str) -> int:
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
        return count

    @admin.action(description="Approve selected %(verbose_name_plural)s", permissions=["moderate"])
    def approve_selected(self, request, queryset):
        self.approve(request, queryset)

    @admin.action(description="Reject selected %(verbose_name_plural)s…", permissions=["moderate"])
    def reject_selected(self, request, queryset):
        reasons = self.model._meta.get_field("rejection_reason").choices
        form = RejectForm(request.POST if "apply" in request.POST else None, reasons=reasons)
        if form.is_valid():
            self.reject(request, queryset, form.cleaned_data["reason"], form.cleaned_data["note"])
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
