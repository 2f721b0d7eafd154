"""Read-only admin for the evaluation app.

Every change here has a rule or an event behind it (the 20% rule, the removal event), so
changes go through ``evaluation.services`` and the application's pages; the admin shows
the rows and their history.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Exemption, MemberRating, OrganizationRating, Removal, ScreeningFlag


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MemberRating)
class MemberRatingAdmin(ReadOnlyAdmin):
    list_display = ["member", "year", "grade", "score", "not_rated_reason", "cell", "rated_at"]
    list_filter = ["year", "grade", "not_rated_reason"]
    list_select_related = ["member__person", "cell"]
    search_fields = ["member__person__full_name", "cell__code"]
    date_hierarchy = "rated_at"


@admin.register(OrganizationRating)
class OrganizationRatingAdmin(ReadOnlyAdmin):
    list_display = ["organization", "year", "grade", "score", "not_rated_reason", "rated_at"]
    list_filter = ["year", "grade", "not_rated_reason"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__code"]


@admin.register(Exemption)
class ExemptionAdmin(ReadOnlyAdmin):
    list_display = ["member", "start_on", "end_on", "reason", "decision_number"]
    list_filter = ["start_on", "end_on"]
    list_select_related = ["member__person"]
    search_fields = ["member__person__full_name", "decision_number"]


@admin.register(ScreeningFlag)
class ScreeningFlagAdmin(ReadOnlyAdmin):
    list_display = ["member", "ground", "year", "raised_on", "resolved_on"]
    list_filter = ["ground", "year", "resolved_on"]
    list_select_related = ["member__person"]
    search_fields = ["member__person__full_name", "detail", "action_taken"]


@admin.register(Removal)
class RemovalAdmin(ReadOnlyAdmin):
    list_display = [
        "member",
        "form",
        "ground",
        "decision_number",
        "decision_date",
        "deciding_committee",
    ]
    list_filter = ["form", "ground", "decision_date"]
    list_select_related = ["member__person"]
    search_fields = ["member__person__full_name", "decision_number", "deciding_committee"]
    date_hierarchy = "decision_date"
