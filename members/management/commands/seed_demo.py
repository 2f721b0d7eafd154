"""python manage.py seed_demo: the demo province of DESIGN.md section 6."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members.demo import DemoSeed, demo_logins, has_domain_data
from members.demo.constants import DEFAULT_MEMBERS, DEFAULT_PASSWORD, DEFAULT_SEED


class Command(BaseCommand):
    help = (
        "Build a synthetic province shaped like Vĩnh Phúc in 2020: the organization tree "
        "with its restructuring, members with their history, and demo logins."
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
            help="Delete all domain data and the demo logins first.",
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
        seeder = DemoSeed(seed=seed, members=members, password=password, log=self.stdout.write)
        with transaction.atomic():
            seeder.run(reset=reset)
        self.stdout.write(self.style.SUCCESS(f"Seeded in {time.monotonic() - started:.1f} s:"))
        for table, count in seeder.counts.items():
            self.stdout.write(f"  {table:<18} {count:>9,}")
        self._logins(password)

    def _logins(self, password):
        for line in demo_logins(password):
            self.stdout.write(line)
