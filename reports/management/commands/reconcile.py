"""``manage.py reconcile [--org CODE] [--year Y]``: check the membership balance everywhere.

For every organization of the subtree (active or closed) and every year, members at start
+ admitted + transferred in − transferred out − removed − deceased must equal members at
end (DESIGN.md section 5). Prints a summary and every mismatch; exits with status 1 when
there is one.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from members.choices import EVENTS_IN, EVENTS_OUT
from members.models import MembershipEvent, Organization
from reports.metrics import reconciliation_table


class Command(BaseCommand):
    help = (
        "Check members at start + admitted + transferred in - transferred out - removed - "
        "deceased = members at end, for every organization and year."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", metavar="CODE", help="Only this organization's subtree.")
        parser.add_argument("--year", type=int, help="Only this year.")

    def handle(self, *args, org=None, year=None, **options):
        organizations = Organization.objects.all()
        events = MembershipEvent.objects.filter(kind__in=EVENTS_IN | EVENTS_OUT)
        if org:
            root = Organization.objects.filter(code=org).first()
            if root is None:
                raise CommandError(_("No organization has the code %(code)s.") % {"code": org})
            organizations = organizations.in_subtree(root)
            events = events.in_subtree(root)
        if year:
            years = [year]
        else:
            earliest = events.aggregate(first=Min("date"))["first"]
            this_year = timezone.localdate().year
            years = list(range(earliest.year, this_year + 1)) if earliest else [this_year]
        organizations = list(organizations)
        table = reconciliation_table(organizations, years)
        mismatches = [r for r in table.values() if not r.balanced]
        self.stdout.write(
            _(
                "Checked %(orgs)s organizations over %(first)s-%(last)s: %(checks)s balances, "
                "%(bad)s mismatches."
            )
            % {
                "orgs": len(organizations),
                "first": years[0],
                "last": years[-1],
                "checks": len(table),
                "bad": len(mismatches),
            }
        )
        for r in sorted(mismatches, key=lambda r: (r.organization.path, r.year)):
            self.stdout.write(
                self.style.ERROR(
                    _(
                        "%(code)s %(name)s %(year)s: %(start)s + %(admitted)s + %(in)s - %(out)s"
                        " - %(removed)s - %(deceased)s = %(expected)s, but %(end)s at the end "
                        "(difference %(difference)+d)"
                    )
                    % {
                        "code": r.organization.code,
                        "name": r.organization.name,
                        "year": r.year,
                        "start": r.start,
                        "admitted": r.admitted,
                        "in": r.transferred_in,
                        "out": r.transferred_out,
                        "removed": r.removed,
                        "deceased": r.deceased,
                        "expected": r.expected_end,
                        "end": r.end,
                        "difference": r.difference,
                    }
                )
            )
        if mismatches:
            raise CommandError(
                _("%(count)s reconciliation mismatches.") % {"count": len(mismatches)}
            )
        self.stdout.write(self.style.SUCCESS(_("Every balance holds.")))
