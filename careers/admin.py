from django.contrib import admin

from careers.models import Guide


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["title", "role", "country", "published", "published_on", "updated_at"]
    list_filter = ["published", "country"]
    search_fields = ["title", "summary", "role__name"]
    list_select_related = ["role"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["role"]
    filter_horizontal = ["sources"]
