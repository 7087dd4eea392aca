from careers.models import Guide
from portal.sitemaps import EveryLanguageSitemap


class GuideSitemap(EveryLanguageSitemap):
    changefreq = "monthly"

    def items(self):
        return Guide.objects.published().order_by("slug")

    def lastmod(self, guide):
        return guide.updated_at
