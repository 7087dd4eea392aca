from django.urls import path

from careers import views

app_name = "careers"

urlpatterns = [
    path("guides/", views.guide_list, name="list"),
    path("guides/<slug:slug>/", views.guide_detail, name="detail"),
    path("search/", views.site_search, name="search"),
]
