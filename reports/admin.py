from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AdmissionQuota, CongressTerm, TermTarget


class TermTargetInline(admin.TabularInline):
    model = TermTarget
    extra = 0


@admin.register(CongressTerm)
class CongressTermAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organization", "first_year", "last_year", "congress_date"]
    list_select_related = ["organization"]
    list_filter = ["name"]
    search_fields = ["name", "organization__name", "organization__code"]
    autocomplete_fields = ["organization"]
    inlines = [TermTargetInline]


@admin.register(AdmissionQuota)
class AdmissionQuotaAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "year", "number"]
    list_select_related = ["organization"]
    list_filter = ["year", "organization__kind"]
    search_fields = ["organization__name", "organization__code"]
    autocomplete_fields = ["organization"]
