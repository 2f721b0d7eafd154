"""python manage.py seed_demo: the demo province of DESIGN.md section 6.

The members app builds the tree, the members and their history (``members.demo``); the
phases of the other apps follow: the admission pipeline (``recruitment.demo``), ratings,
exemptions, flags and removals' records (``evaluation.demo``), then congress terms,
targets and quotas (``reports.demo``). The command lives here because only ``reports``
may import every app (DESIGN.md section 7).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from evaluation import demo as evaluation_demo
from members.demo import DemoSeed, demo_logins, has_domain_data
from members.demo.constants import DEFAULT_MEMBERS, DEFAULT_PASSWORD, DEFAULT_SEED, PROVINCE_CODE
from members.models import Organization
from recruitment import demo as recruitment_demo
from reports.demo import seed_targets


class ProvinceSeed(DemoSeed):
    """The members' seed with the phases of the recruitment, evaluation and reports apps."""

    PHASES = (*DemoSeed.PHASES, "recruitment", "evaluation")
    FINAL_PHASES = ("screening", "targets")
    COLUMNS = {**DemoSeed.COLUMNS, **recruitment_demo.COLUMNS, **evaluation_demo.COLUMNS}

    def phase_recruitment(self) -> None:
        recruitment_demo.seed_recruitment(self)

    def phase_evaluation(self) -> None:
        evaluation_demo.seed_evaluation(self)

    def phase_screening(self) -> None:
        province = Organization.objects.get(code=PROVINCE_CODE)
        evaluation_demo.seed_overdue_probation_flags(self, province)

    def phase_targets(self) -> None:
        province = Organization.objects.get(code=PROVINCE_CODE)
        written = seed_targets(province, today=self.today)
        self.counts.update(written)
        self.say("targets: " + ", ".join(f"{n:,} {name}" for name, n in written.items()))


class Command(BaseCommand):
    help = (
        "Build a synthetic province shaped like Vĩnh Phúc in 2020: the organization tree "
        "with its restructuring, members with their history, candidacies, ratings, "
        "removals, congress targets and quotas, and demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (same seed, same data)."
        )
        parser.add_argument(
            "--members",
            type=int,
            default=DEFAULT_MEMBERS,
            help=f"Members active on 08/10/2020 (default {DEFAULT_MEMBERS:,}).",
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f'Password of every demo login (default "{DEFAULT_PASSWORD}").',
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--reset",
            action="store_true",
            help="Delete all domain data (members, recruitment, evaluation, reports) and the "
            "demo logins first.",
        )
        mode.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) when the database already has data.",
        )

    def handle(self, *args, seed, members, password, reset, if_empty, **options):
        if members < 1000:
            raise CommandError("--members must be at least 1000 to keep the province's shape.")
        if not reset and has_domain_data():
            if if_empty:
                self.stdout.write("The database already has data; the demo was not seeded.")
                self._logins(None)
                return
            raise CommandError(
                "The database already has organizations or people. "
                "Run seed_demo --reset to delete all domain data and seed again."
            )
        started = time.monotonic()
        seeder = ProvinceSeed(seed=seed, members=members, password=password, log=self.stdout.write)
        with transaction.atomic():
            seeder.run(reset=reset)
        # Fresh planner statistics: without them PostgreSQL plans the first pages on empty-table
        # estimates (sequential scans where index-only scans fit), and autovacuum may be off.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Seeded in {time.monotonic() - started:.1f} s:"))
        for table, count in seeder.counts.items():
            self.stdout.write(f"  {table:<18} {count:>9,}")
        self._logins(password)

    def _logins(self, password):
        for line in demo_logins(password):
            self.stdout.write(line)
