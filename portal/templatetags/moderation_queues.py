"""What waits for a moderator, at the top of the admin's index."""

from django import template
from django.contrib import admin

from portal.admin import ModerationAdmin

register = template.Library()


@register.inclusion_tag("admin/moderation/queues.html", takes_context=True)
def moderation_queues(context):
    """Each moderation queue among the index's models (those the user may see)."""
    model_admins = [
        admin.site.get_model_admin(model["model"])
        for app in context["app_list"]
        for model in app["models"]
    ]
    request = context["request"]
    queues = [each.queue_summary(request) for each in model_admins
              if isinstance(each, ModerationAdmin)]  # fmt: skip
    return {"queues": queues}
