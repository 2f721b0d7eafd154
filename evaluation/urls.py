from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
    path("cells/<int:cell_id>/<int:year>/", views.member_round, name="member_round"),
    path(
        "cells/<int:cell_id>/<int:year>/counts/",
        views.member_round_counts_partial,
        name="member_round_counts",
    ),
    path(
        "committees/<int:org_id>/<int:year>/", views.organization_round, name="organization_round"
    ),
    path(
        "committees/<int:org_id>/<int:year>/counts/",
        views.organization_round_counts_partial,
        name="organization_round_counts",
    ),
    path("screening/", views.screening, name="screening"),
    path("screening/new/", views.flag_member_search, name="flag_member_search"),
    path(
        "screening/raise-probation/",
        views.flags_raise_probation,
        name="flags_raise_probation",
    ),
    path("screening/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
    path("members/<int:member_id>/flag/", views.flag_record, name="flag_record"),
    path("members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path(
        "members/<int:member_id>/exemption/start/",
        views.exemption_start,
        name="exemption_start",
    ),
    path("members/<int:member_id>/exemption/end/", views.exemption_end, name="exemption_end"),
    path("warnings/", views.warnings, name="warnings"),
]
