from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class SalariesConfig(AppConfig):
    name = "salaries"
    verbose_name = "Salaries"

    def ready(self):
        from portal.moderation import grant_to_moderators
        from salaries import models
        from salaries.remembered import data_changed, group_left

        # Least privilege: moderators read reports and decide on them; they cannot edit what a
        # visitor sent, touch published data or manage users.
        grant_to_moderators(
            "salaries.view_salaryreport", "salaries.moderate_salaryreport",
            "salaries.view_moderationevent", "salaries.view_salaryobservation",
            "salaries.view_role",
        )  # fmt: skip
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
        pre_save.connect(group_left, sender=models.SalaryObservation, dispatch_uid="figures-left")
