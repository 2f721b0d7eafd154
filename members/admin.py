"""The Django admin for administrators (DESIGN.md section 1).

Writes go through ``members.services``: organizations are created, renamed, moved, merged
and dissolved only by the services (dated, with their restructuring events), members are
edited through ``member_update``, and nothing of the membership history can be deleted.
"""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin

from . import services
from .admin_forms import (
    DissolveForm,
    MergeForm,
    OrganizationAddForm,
    OrganizationChangeForm,
    TreeMoveForm,
    add_domain_error,
)
from .models import (
    Member,
    MemberPlacement,
    MembershipEvent,
    Organization,
    OrganizationEvent,
    Person,
    StaffAssignment,
    Transfer,
)
from .search import normalize_search


def search_people(queryset, term: str, *, person: str, card: str):
    """Rows whose person matches ``term``: accent-free name, national ID or party card number.

    ``person`` is the path from the row to its ``Person`` ("" for people themselves) and
    ``card`` the path to the party card number.
    """
    term = term.strip()
    key = normalize_search(term)
    if not key:
        return queryset
    return queryset.filter(
        Q(**{f"{person}search_name__contains": key})
        | Q(**{f"{person}national_id": term})
        | Q(**{card: term})
    )


class NoDeleteMixin:
    """Membership history and the tree are never deleted: closures and removals are events."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMixin(NoDeleteMixin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- organizations ---------------------------------------------------------------------


class ActiveFilter(admin.SimpleListFilter):
    title = _("active")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("Active")), ("no", _("Closed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(closed_on__isnull=True)
        if self.value() == "no":
            return queryset.filter(closed_on__isnull=False)
        return queryset


@admin.register(Organization)
class OrganizationAdmin(NoDeleteMixin, SimpleHistoryAdmin, TreeAdmin):
    list_display = ["code", "name", "kind", "sector", "established_on", "closed_on", "closure"]
    list_filter = ["kind", "sector", ActiveFilter]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "kind", "sector", "established_on", "closed_on", "closure"]
    actions = ["merge_into", "dissolve"]

    def changelist_view(self, request, extra_context=None):
        # Treebeard sets this only while answering a GET; a POST that re-renders the list
        # (an action the user may not run) would otherwise fail in its template tag.
        request._treebeard_parent = None
        return super().changelist_view(request, extra_context)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": OrganizationAddForm.Meta.fields})]
        return [
            (None, {"fields": ["code", "kind", "sector", "established_on"]}),
            (
                _("Name and place in the tree"),
                {
                    "fields": ["name", "parent", "on", "decision_number"],
                    "description": _(
                        "A new name or a new parent takes effect on the date below and is "
                        "written to the restructuring log."
                    ),
                },
            ),
            (_("Closure"), {"fields": ["closed_on", "closure", "successor"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Closing happens through the merge and dissolve actions only.
        return [*self.readonly_fields, "successor"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = OrganizationChangeForm if obj else OrganizationAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def save_form(self, request, form, change):
        # The form has already called the service (see admin_forms): nothing left to save.
        return form.instance

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        pass

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Parents, merge targets, destinations and scopes are chosen among active ones.
        if getattr(request.resolver_match, "url_name", None) == "autocomplete":
            queryset = queryset.active()
        return queryset, may_have_duplicates

    def move_node(self, request):
        """Treebeard's drag and drop, through ``organization_move`` on today's date."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = TreeMoveForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest()
        organization, new_parent = form.cleaned_data["node"], form.new_parent()
        # Treebeard's script reloads the page on any answer but 200; the message shows then.
        if new_parent is None:
            self.message_user(request, _("An organization cannot become a root."), messages.ERROR)
            return HttpResponseBadRequest()
        try:
            services.organization_move(
                organization=organization,
                new_parent=new_parent,
                on=timezone.localdate(),
                actor=request.user,
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseBadRequest()
        self.message_user(
            request,
            _("Moved %(organization)s under %(parent)s.")
            % {"organization": organization, "parent": new_parent},
            messages.SUCCESS,
        )
        return HttpResponse("OK")

    @admin.action(description=_("Merge into…"), permissions=["change"])
    def merge_into(self, request, queryset):
        def merge(source, data):
            services.organization_merge(
                source=source,
                target=data["target"],
                on=data["on"],
                decision_number=data["decision_number"],
                actor=request.user,
            )

        def done(count, data):
            return ngettext(
                "Merged %(count)d organization into %(target)s.",
                "Merged %(count)d organizations into %(target)s.",
                count,
            ) % {"count": count, "target": data["target"]}

        return self._restructure(
            request, queryset, form_class=MergeForm, apply=merge, done=done, action="merge_into"
        )

    @admin.action(description=_("Dissolve…"), permissions=["change"])
    def dissolve(self, request, queryset):
        def dissolve(organization, data):
            services.organization_dissolve(
                organization=organization,
                destination=data["destination"],
                on=data["on"],
                decision_number=data["decision_number"],
                actor=request.user,
            )

        def done(count, data):
            return ngettext(
                "Dissolved %(count)d organization.", "Dissolved %(count)d organizations.", count
            ) % {"count": count}

        return self._restructure(
            request, queryset, form_class=DissolveForm, apply=dissolve, done=done, action="dissolve"
        )

    def _restructure(self, request, queryset, *, form_class, apply, done, action):
        """An action's intermediate page: ask for the date and the destination, then apply.

        All selected organizations change in one transaction: one refusal changes nothing.
        """
        organizations = list(queryset)
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            current = None
            try:
                with transaction.atomic():
                    for current in organizations:
                        apply(current, form.cleaned_data)
            except ValidationError as error:
                add_domain_error(form, error, prefix=f"{current}: ")
                self.message_user(
                    request,
                    _("Nothing was changed. %(organization)s: %(error)s")
                    % {"organization": current, "error": " ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                self.message_user(request, done(len(organizations), form.cleaned_data))
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": self.get_actions(request)[action][2],
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
            "organizations": organizations,
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/members/organization/restructure.html", context)


# --- people and members ----------------------------------------------------------------


class PlacementInline(ReadOnlyMixin, admin.TabularInline):
    model = MemberPlacement
    fields = ["cell", "start_on", "end_on"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cell").order_by("start_on")


class MembershipEventInline(ReadOnlyMixin, admin.TabularInline):
    model = MembershipEvent
    fields = [
        "date",
        "kind",
        "subkind",
        "organization",
        "decision_number",
        "issuing_committee",
        "actor",
    ]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization", "actor")


@admin.register(Person)
class PersonAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["full_name", "gender", "date_of_birth", "national_id", "membership"]
    list_filter = ["gender", "member__status"]
    list_select_related = ["member"]
    search_fields = ["search_name", "national_id", "member__party_card_number"]
    search_help_text = _("Name (with or without accents), national ID or party card number.")
    readonly_fields = ["is_synthetic"]
    show_full_result_count = False

    def has_add_permission(self, request):
        # People enter through member registration and the recruitment pipeline.
        return False

    @admin.display(description=_("party membership"))
    def membership(self, person):
        member = getattr(person, "member", None)
        return member.get_status_display() if member else "–"

    def get_search_results(self, request, queryset, search_term):
        return search_people(
            queryset, search_term, person="", card="member__party_card_number"
        ), False

    def save_model(self, request, obj, form, change):
        member = Member.objects.filter(person=obj).first()
        if member is None:
            # A candidate's record: one row, no side effects, the edit history keeps the old
            # values. There is no person service for people who are not members yet.
            super().save_model(request, obj, form, change)
            return
        services.member_update(
            member=member,
            actor=request.user,
            person_fields={name: form.cleaned_data[name] for name in form.changed_data},
            member_fields={},
        )


@admin.register(Member)
class MemberAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["person", "status", "organization", "admission_decision_date"]
    list_display += ["party_card_number"]
    list_filter = ["status", "person__gender"]
    list_select_related = ["person", "organization"]
    search_fields = ["person__search_name", "person__national_id", "party_card_number"]
    search_help_text = PersonAdmin.search_help_text
    # Status and cell change through the services (transfers, removals, deaths). The
    # admission and official dates are also in the events reports count, which are
    # append-only, so they are not edited here either.
    readonly_fields = [
        "person",
        "status",
        "organization",
        "ended_on",
        "admission_decision_date",
        "admission_decision_number",
        "admission_committee",
        "official_date",
    ]
    inlines = [PlacementInline, MembershipEventInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        # Members enter through member_register or the recruitment services.
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "organization")

    def get_search_results(self, request, queryset, search_term):
        return search_people(
            queryset, search_term, person="person__", card="party_card_number"
        ), False

    def save_model(self, request, obj, form, change):
        services.member_update(
            member=obj,
            actor=request.user,
            person_fields={},
            member_fields={name: form.cleaned_data[name] for name in form.changed_data},
        )


# --- staff and their scope -------------------------------------------------------------


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__username", "organization__code", "organization__name"]
    autocomplete_fields = ["user", "organization"]


class StaffAssignmentInline(admin.TabularInline):
    model = StaffAssignment
    fields = ["organization", "role"]
    autocomplete_fields = ["organization"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffAssignmentInline]


# --- the logs: read only ---------------------------------------------------------------


@admin.register(MembershipEvent)
class MembershipEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "subkind", "member", "organization", "decision_number"]
    list_display += ["is_external"]
    list_filter = ["kind", "is_external"]
    list_select_related = ["member__person", "organization"]
    date_hierarchy = "date"
    search_fields = ["member__person__search_name", "decision_number"]
    search_help_text = PersonAdmin.search_help_text
    ordering = ["-date", "-id"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        return search_people(
            queryset, search_term, person="member__person__", card="member__party_card_number"
        ), False


@admin.register(Transfer)
class TransferAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "reason", "member", "from_cell", "to_cell"]
    list_display += ["outside_organization", "decision_number"]
    list_filter = ["kind", "reason"]
    list_select_related = ["member__person", "from_cell", "to_cell"]
    date_hierarchy = "date"
    search_fields = ["member__person__search_name", "decision_number"]
    search_help_text = PersonAdmin.search_help_text
    ordering = ["-date", "-id"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        return search_people(
            queryset, search_term, person="member__person__", card="member__party_card_number"
        ), False


@admin.register(OrganizationEvent)
class OrganizationEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "organization", "other", "old_value", "new_value"]
    list_display += ["decision_number", "actor"]
    list_filter = ["kind"]
    list_select_related = ["organization", "other", "actor"]
    date_hierarchy = "date"
    search_fields = ["organization__code", "organization__name", "decision_number"]
    ordering = ["-date", "-id"]
