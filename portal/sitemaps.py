from django.contrib.sitemaps import Sitemap


class EveryLanguageSitemap(Sitemap):
    """Each page once per language (English, then under /ne/), each entry naming the others
    with `hreflang` and English as x-default: how search engines learn the pages are one."""

    i18n = True
    alternates = True
    x_default = True
