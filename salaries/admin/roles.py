"""The roles' admin pages: canonical roles, their merging, and the titles filed under them."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count

from portal.admin import action_form_page
from salaries.models import Role, RoleAlias
from salaries.remembered import data_changed


class RoleAliasInline(admin.TabularInline):
    model = RoleAlias
    fields = ["name", "level"]
    extra = 1


class MergeRolesForm(forms.Form):
    target = forms.ModelChoiceField(queryset=Role.objects.none(), label="Merge into")

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = roles


def refile(admin_view, request, aliases):
    """After titles are added or edited: their survey rows follow them, and the page says so."""
    if moved := aliases.refile():
        data_changed()
        admin_view.message_user(request, f"{moved:,} survey rows were filed again by their title.")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ne", "family", "general", "slug"]
    list_filter = ["family", "general"]
    search_fields = ["name", "name_ne", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoleAliasInline]
    actions = ["merge_roles"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refile(self, request, form.instance.aliases.all())

    @admin.action(
        description="Merge selected roles into one of them", permissions=["change", "delete"]
    )
    def merge_roles(self, request, queryset):
        # Counting only the selected roles keeps the changelist itself free of a big join.
        roles = queryset.annotate(
            observations=Count("salaryobservation", distinct=True),
            ranges=Count("publishedrange", distinct=True),
            reports=Count("salaryreport", distinct=True),
        ).order_by("-observations", "name")
        if roles.count() < 2:
            self.message_user(request, "Select at least two roles to merge.", messages.WARNING)
            return None
        form = MergeRolesForm(request.POST if "apply" in request.POST else None, roles=roles)
        if form.is_valid():
            target = form.cleaned_data["target"]
            merged = [role for role in roles if role.pk != target.pk]
            with transaction.atomic():  # all of them, or none
                notes = [note for role in merged for note in role.merge_into(target)]
            names = ", ".join(role.name for role in merged)
            self.message_user(request, f"Merged {names} into {target}; their titles are aliases.")
            for note in notes:
                self.message_user(request, note, messages.WARNING)
            return None
        return action_form_page(
            self,
            request,
            "merge_roles",
            "Merge roles",
            form,
            roles,
            "admin/salaries/role/merge.html",
        )


@admin.register(RoleAlias)
class RoleAliasAdmin(admin.ModelAdmin):
    """The titles sources use, each filed under a role (and a level it holds): the taxonomy.
    Titles that name no role sit under the general role, "Unspecified role"."""

    list_display = ["name", "role", "level"]
    list_filter = ["role__general", "level", "role__family"]
    search_fields = ["name", "role__name"]
    list_select_related = ["role"]
    autocomplete_fields = ["role"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        refile(self, request, RoleAlias.objects.filter(pk=obj.pk))
