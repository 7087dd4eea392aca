from django.contrib.sitemaps import Sitemap

from careers.models import Guide


class GuideSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Guide.objects.published().order_by("slug")

    def lastmod(self, guide):
        return guide.updated_at
