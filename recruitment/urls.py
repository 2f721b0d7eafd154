from django.urls import path

from . import views

app_name = "recruitment"


def _step(route: str, step: str):
    return path(
        f"candidacies/<int:pk>/{route}/",
        views.candidacy_step,
        {"step": step},
        name=f"candidacy_{step}",
    )


urlpatterns = [
    path("", views.board, name="index"),
    path("candidacies/", views.candidacy_list, name="candidacy_list"),
    path("candidacies/new/", views.candidacy_create, name="candidacy_create"),
    path("candidacies/<int:pk>/", views.candidacy_detail, name="candidacy_detail"),
    path("candidacies/<int:pk>/edit/", views.candidacy_edit, name="candidacy_edit"),
    _step("certificate", "certificate"),
    _step("introducers", "introducer"),
    path(
        "candidacies/<int:pk>/introducers/<int:introducer_pk>/remove/",
        views.introducer_remove,
        name="introducer_remove",
    ),
    _step("over-age-approval", "over_age"),
    _step("dossier", "dossier"),
    _step("resolution", "resolution"),
    _step("committee-approval", "committee_approval"),
    _step("decision", "decision"),
    _step("ceremony", "ceremony"),
    _step("close", "close"),
    path("courses/", views.course_list, name="courses"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/enroll/", views.course_enroll, name="course_enroll"),
    path("courses/<int:pk>/certificates/", views.course_certificates, name="course_certificates"),
    path("probation/", views.probation_list, name="probation"),
    path("probation/<int:pk>/", views.probation_review, name="probation_review"),
    path("probation/<int:pk>/recognize/", views.probation_recognize, name="probation_recognize"),
    path("probation/<int:pk>/strike-off/", views.probation_strike_off, name="probation_strike_off"),
    path("due/", views.due_list, name="due"),
]
