from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Site"

    def ready(self):
        from django.contrib import admin

        from portal.moderation import ensure_moderators_group

        # The queues need the width: at 1280 px the sidebar pushed the status, flags and pay
        # columns out of sight. The index (templates/admin/index.html) lists every model.
        admin.site.enable_nav_sidebar = False
        # After each app's migrations, once Django has created the permissions it needs.
        post_migrate.connect(ensure_moderators_group, dispatch_uid="portal.moderators")
