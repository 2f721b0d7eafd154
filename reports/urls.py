from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("warnings/", views.warnings, name="warnings"),
    path("quotas/<int:org_id>/<int:year>/", views.quota_assign, name="quota_assign"),
    path("terms/", views.term_list, name="term_list"),
    path("terms/<int:pk>/", views.term_detail, name="term_detail"),
    path("terms/<int:pk>/export.xlsx", views.term_export, name="term_export"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
]
