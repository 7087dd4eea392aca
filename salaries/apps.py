from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save

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
        from salaries import models
        from salaries.remembered import data_changed

        # After migrate, once Django has created the permissions this group needs.
        post_migrate.connect(ensure_moderators_group, sender=self)
        # Any saved or deleted fact, rate or name retires the remembered figures. Bulk writes
        # (imports, renormalizing) call data_changed() themselves.
        for model in (
            models.SalaryObservation, models.PublishedRange, models.PublishedPayGap,
            models.ExchangeRate, models.PurchasingPowerFactor, models.Role, models.Source,
            models.City, models.Industry, models.Company,
        ):  # fmt: skip
            post_save.connect(data_changed, sender=model, dispatch_uid=f"figures-{model.__name__}")
            post_delete.connect(
                data_changed, sender=model, dispatch_uid=f"figures-del-{model.__name__}"
            )
