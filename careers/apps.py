from django.apps import AppConfig


def move_guides(sender, old, new, **kwargs):
    from careers.models import Guide

    Guide.objects.filter(role=old).update(role=new)


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = "Career guides"

    def ready(self):
        from salaries.models import role_merged

        # A merged role's guides follow it to the role it was merged into.
        role_merged.connect(move_guides, dispatch_uid="careers.move_guides")
