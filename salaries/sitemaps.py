from django.contrib.sitemaps import Sitemap
from django.db.models import Count
from django.urls import reverse

from salaries.models import PublishedRange, Role, SalaryObservation
from salaries.statistics import MIN_SAMPLE


class RoleSitemap(Sitemap):
    """Every role with figures to show: enough observations, or a published range."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        with_observations = (
            SalaryObservation.objects.values("role")
            .annotate(n=Count("id"))
            .filter(n__gte=MIN_SAMPLE)
            .values("role")
        )
        with_ranges = PublishedRange.objects.values("role")
        return (
            Role.objects.filter(pk__in=with_observations.union(with_ranges))
            .order_by("slug")
            .values_list("slug", flat=True)
        )

    def location(self, slug):
        return reverse("salaries:role", args=[slug])


class RoleCountrySitemap(Sitemap):
    """Every role and country pair with figures to show (a single report is not listed)."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        observed = (
            SalaryObservation.objects.values_list("role__slug", "employee_country")
            .annotate(n=Count("id"))
            .filter(n__gte=MIN_SAMPLE)
            .values_list("role__slug", "employee_country")
        )
        published = PublishedRange.objects.exclude(country="").values_list("role__slug", "country")
        return sorted(set(observed) | set(published))

    def location(self, item):
        slug, country = item
        return reverse("salaries:role_country", args=[slug, country.lower()])


sitemaps = {"roles": RoleSitemap, "role-countries": RoleCountrySitemap}
