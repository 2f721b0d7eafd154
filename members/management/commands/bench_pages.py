"""Time pages as a logged-in user: median milliseconds and query count per URL.

    manage.py bench_pages --user lapthach --repeat 20 /members/ "/members/?q=nguyen" /org/

Builds nothing: run it on a database that already holds data (e.g. after seed_demo).
Requests go through the Django test client in this process (no network, no static files),
so the figure is the server's own time for the page. Besides the wall-clock time it
prints this process's CPU time and the time spent waiting for SQL, which tell a slow
page from a busy machine.
"""

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


class Command(BaseCommand):
    help = "Time pages as a logged-in user (median ms and queries per URL)."

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="+", help="paths such as /members/?q=an")
        parser.add_argument("--user", required=True, help="username to log in as")
        parser.add_argument("--repeat", type=int, default=10, help="timed requests per URL")

    def handle(self, *args, urls, user, repeat, **options):
        try:
            account = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No user named {user!r}.") from error
        host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".").replace("*", "localhost")
        client = Client(SERVER_NAME=host)
        client.force_login(account)
        self.stdout.write(
            f"{'median ms':>9} {'min ms':>7} {'cpu ms':>7} {'sql ms':>7} {'queries':>7} "
            f"{'status':>6}  url"
        )
        for url in urls:
            client.get(url)  # warm up caches and the connection
            wall, cpu, sql = [], [], []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    wall.append((time.perf_counter() - start) * 1000)
                    cpu.append((time.process_time() - start_cpu) * 1000)
                sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
            self.stdout.write(
                f"{statistics.median(wall):9.1f} {min(wall):7.1f} {statistics.median(cpu):7.1f} "
                f"{statistics.median(sql):7.1f} {len(queries):7d} {response.status_code:6d}  {url}"
            )
