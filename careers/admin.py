from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from careers.models import Guide, GuideQuestion
from careers.views import guide_page


class GuideQuestionInline(admin.TabularInline):
    model = GuideQuestion
    extra = 1


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["title", "role", "country", "status", "published_on", "updated_at", "preview"]
    list_filter = ["status", "country"]
    search_fields = ["title", "summary", "role__name"]
    list_select_related = ["role"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["role"]
    filter_horizontal = ["sources", "related"]
    readonly_fields = ["preview"]
    inlines = [GuideQuestionInline]

    @admin.display(description="preview")
    def preview(self, guide):
        if not guide.pk:
            return "Save the guide to preview it."
        url = reverse("admin:careers_guide_preview", args=[guide.pk])
        return format_html('<a href="{}">Preview with live figures</a>', url)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<int:pk>/preview/", preview, name="careers_guide_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        """The guide as visitors will see it, draft or not, with any figure marker that
        cannot be read shown with the reason."""
        guide = get_object_or_404(Guide, pk=pk)
        if not self.has_view_permission(request, guide):
            raise PermissionDenied
        return guide_page(request, guide, preview=True)
