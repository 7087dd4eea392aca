from django.apps import AppConfig
from django.db.models.signals import post_migrate

MODERATORS = "Moderators"
# Least privilege: moderators read reports and decide on them; they cannot edit what a
# visitor sent, touch published data or manage users.
MODERATOR_PERMISSIONS = [
    "view_salaryreport",
    "moderate_salaryreport",
    "view_moderationevent",
    "view_salaryobservation",
    "view_role",
]


def ensure_moderators_group(sender, using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.using(using).get_or_create(name=MODERATORS)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="salaries", codename__in=MODERATOR_PERMISSIONS
    )
    group.permissions.set(permissions)


class SalariesConfig(AppConfig):
    name = "salaries"
    verbose_name = "Salaries"

    def ready(self):
        # After migrate, once Django has created the permissions this group needs.
        post_migrate.connect(ensure_moderators_group, sender=self)
