from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from careers.sitemaps import GuideSitemap
from jobs.sitemaps import JobPostingSitemap
from portal import views
from salaries import views as salary_views
from salaries.sitemaps import sitemaps as salary_sitemaps

sitemaps = {**salary_sitemaps, "guides": GuideSitemap, "jobs": JobPostingSitemap}

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("admin/", admin.site.urls),  # in English only
]
# Visitors' pages: English at the URLs they always had, Nepali at the same under /ne/.
urlpatterns += i18n_patterns(
    path("", salary_views.home, name="home"),
    path("", include("salaries.urls")),
    path("", include("careers.urls")),
    path("", include("jobs.urls")),
    prefix_default_language=False,
)
