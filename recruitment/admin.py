"""Django admin for the pipeline: a window on the data for administrators.

Stage changes have rules, deadlines and events, so they happen only through the services
(the staff pages); here stage data, introducers, certificates and events are read-only,
and the few descriptive fields go through ``candidacy_update``.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from members.search import normalize_search

from . import services
from .models import Candidacy, CandidacyEvent, CourseAttendance, Introducer, TrainingCourse


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IntroducerInline(ReadOnlyInline):
    model = Introducer
    fields = ["kind", "member", "name", "introduced_on", "alongside_since"]
    readonly_fields = fields


class AttendanceInline(ReadOnlyInline):
    model = CourseAttendance
    fields = ["course", "certificate_number", "certificate_on"]
    readonly_fields = fields


class ClassInline(ReadOnlyInline):
    model = CourseAttendance
    fields = ["candidacy", "certificate_number", "certificate_on"]
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = CandidacyEvent
    fields = [
        "date",
        "stage",
        "decision_number",
        "deciding_body",
        "yes_votes",
        "denominator",
        "actor",
        "note",
        "created_at",
    ]
    readonly_fields = fields
    ordering = ["date", "id"]


class SearchNameMixin:
    """Accent-insensitive search: the term is normalized like ``Person.search_name``."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, normalize_search(search_term))


# Descriptive fields an administrator may correct; everything else changes through a step.
CANDIDACY_EDITABLE = ("source_group", "note")


@admin.register(Candidacy)
class CandidacyAdmin(SearchNameMixin, SimpleHistoryAdmin):
    list_display = ["person", "cell", "stage", "source_group", "sourced_on", "decision_on"]
    list_filter = ["stage", "source_group", "is_youth_union_member"]
    list_select_related = ["person", "cell"]
    search_fields = ["person__search_name"]
    date_hierarchy = "sourced_on"
    inlines = [IntroducerInline, AttendanceInline, EventInline]
    fields = [
        "person",
        "cell",
        "stage",
        "source_group",
        "is_youth_union_member",
        "has_youth_union",
        "sourced_on",
        "certificate",
        "has_application",
        "has_biography",
        "background_check_done",
        "dossier_ready_on",
        "over_age_approval_number",
        "over_age_approval_on",
        "resolution_on",
        "resolution_yes_votes",
        "resolution_eligible",
        "committee_approval_on",
        "committee_approval_number",
        "decision_number",
        "decision_on",
        "decision_committee",
        "ceremony_on",
        "member",
        "official_on",
        "recognition_resolution_on",
        "recognition_decision_number",
        "recognition_decision_on",
        "closed_on",
        "closed_reason",
        "note",
    ]
    readonly_fields = [f for f in fields if f not in CANDIDACY_EDITABLE]

    def has_add_permission(self, request):
        # Candidacies are opened through candidacy_create (staff pages), with their event.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True

    def save_model(self, request, obj, form, change):
        services.candidacy_update(
            candidacy=obj,
            actor=request.user,
            fields={name: form.cleaned_data[name] for name in CANDIDACY_EDITABLE},
        )


@admin.register(TrainingCourse)
class TrainingCourseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organizer", "start_on", "end_on"]
    list_select_related = ["organizer"]
    search_fields = ["name", "organizer__name", "organizer__code"]
    date_hierarchy = "start_on"
    inlines = [ClassInline]
    raw_id_fields = ["organizer"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CandidacyEvent)
class CandidacyEventAdmin(SearchNameMixin, admin.ModelAdmin):
    list_display = ["date", "stage", "candidacy", "decision_number", "deciding_body", "actor"]
    list_filter = ["stage"]
    list_select_related = ["candidacy__person", "candidacy__cell", "actor"]
    search_fields = ["candidacy__person__search_name", "decision_number"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
