from django.apps import AppConfig


def move_guides(sender, old, new, **kwargs):
    from careers.models import Guide

    Guide.objects.filter(role=old).update(role=new)


def related_guides(role, country):
    """The guides section of a salary landing page: this role's guides, this country's first."""
    from careers.models import Guide

    guides = list(Guide.objects.related_to(role, country)[:5])
    if not guides:
        return None
    return {"template": "careers/includes/related_guides.html", "guides": guides}


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = "Career guides"

    def ready(self):
        from salaries.extensions import add_landing_section
        from salaries.models import role_merged

        # A merged role's guides follow it to the role it was merged into.
        role_merged.connect(move_guides, dispatch_uid="careers.move_guides")
        add_landing_section(related_guides)
