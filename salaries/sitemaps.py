from django.urls import reverse

from portal.sitemaps import EveryLanguageSitemap
from salaries import figures


class RoleSitemap(EveryLanguageSitemap):
    """Every role whose page shows figures: a median, or a published range."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        return figures.roles_with_figures()

    def location(self, slug):
        return reverse("salaries:role", args=[slug])


class RoleCountrySitemap(EveryLanguageSitemap):
    """Every role and country pair whose page shows figures."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        return figures.role_countries_with_figures()

    def location(self, item):
        slug, country = item
        return reverse("salaries:role_country", args=[slug, country.lower()])


sitemaps = {"roles": RoleSitemap, "role-countries": RoleCountrySitemap}
