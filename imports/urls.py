from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("template/<slug:kind>.xlsx", views.template_download, name="template"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
]
