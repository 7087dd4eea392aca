from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("jobs/", views.job_list, name="list"),
    path("jobs/post/", views.post_job, name="post"),
    path("jobs/manage/", views.manage_posting, name="manage"),
    path("jobs/manage/<str:link>/", views.old_manage_link, name="old_manage_link"),
    path("jobs/<int:pk>-<slug:slug>/", views.job_detail, name="detail"),
    path("jobs/<int:pk>/", views.job_detail, {"slug": ""}),
]
