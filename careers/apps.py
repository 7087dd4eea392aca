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


def guides_changed(**kwargs):
    from portal import versions

    versions.move("guides")


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = "Career guides"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from careers.models import Guide, GuideQuestion
        from salaries.extensions import register_landing_section
        from salaries.models import role_merged

        # A merged role's guides follow it to the role it was merged into.
        role_merged.connect(move_guides, dispatch_uid="careers.move_guides")
        # Landing pages show related guides: they are cached under "guides" too.
        register_landing_section(scope="guides", section=related_guides)
        # Cached pages that show guides (the list, landing pages' guides) follow their edits.
        for model in (Guide, GuideQuestion, Guide.related.through, Guide.sources.through):
            post_save.connect(guides_changed, sender=model, dispatch_uid=f"guides-{model}")
            post_delete.connect(guides_changed, sender=model, dispatch_uid=f"guides-del-{model}")
