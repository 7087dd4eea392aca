from django.urls import path, re_path

from salaries import downloads, views

app_name = "salaries"

urlpatterns = [
    path("salaries/", views.salary_list, name="list"),
    path("salaries/export.csv", downloads.export_csv, name="export"),
    path("salaries/find/", views.find, name="find"),
    path("salaries/submit/", views.submit_report, name="submit"),
    path("salaries/submit/thanks/", views.submit_thanks, name="submit_thanks"),
    path("salaries/reports/withdrawn/", views.report_withdrawn, name="report_withdrawn"),
    path("salaries/reports/status/", views.report_status, name="report_status"),
    path("salaries/reports/<str:link>/", views.old_report_link, name="old_report_link"),
    path("salaries/<slug:role_slug>/", views.role_landing, name="role"),
    re_path(
        r"^salaries/(?P<role_slug>[-\w]+)/(?P<country_code>[A-Za-z]{2})/$",
        views.role_landing,
        name="role_country",
    ),
    path("compare/", views.compare, name="compare"),
    path("offer/", views.offer, name="offer"),
    path("methodology/", views.methodology, name="methodology"),
    path("methodology/roles.csv", downloads.role_titles_csv, name="role_titles"),
]
