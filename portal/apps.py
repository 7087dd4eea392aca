from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Site"

    def ready(self):
        from portal.moderation import ensure_moderators_group

        # After each app's migrations, once Django has created the permissions it needs.
        post_migrate.connect(ensure_moderators_group, dispatch_uid="portal.moderators")
