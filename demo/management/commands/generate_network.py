import time

from django.core.management.base import BaseCommand, CommandError

from core.periods import PeriodError, parse_period
from demo.synthetic import generate
from metrics.rebuild import rebuild


class Command(BaseCommand):
    help = "Build a synthetic five-level network and records for scale benchmarks, then the roll-up store."

    def add_arguments(self, parser):
        parser.add_argument("--outlets", type=int, default=16000)
        parser.add_argument("--records", type=int, default=10_000_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--years", default="2021..2025", help="years of records, e.g. 2021..2025")
        parser.add_argument(
            "--skip-store", action="store_true", help="load records only; build the store later with rebuild_metrics"
        )

    def handle(self, *args, outlets, records, seed, years, skip_store=False, **options):
        if outlets < 1 or records < 0:
            raise CommandError("--outlets must be at least 1 and --records at least 0.")
        try:
            span = parse_period(years)
        except PeriodError as e:
            raise CommandError(str(e)) from None
        started = time.monotonic()
        try:
            report = generate(outlets, records, seed, range(span.first.year, span.last.year + 1))
        except ValueError as e:
            raise CommandError(str(e)) from None
        loaded = time.monotonic()
        self.stdout.write(
            f"Network: {report['branches']} branches ({report['outlets']} outlets); records: "
            f"{sum(report['records'].values())} in {loaded - started:.1f} s"
        )
        for name, count in report["records"].items():
            self.stdout.write(f"  {name:<20} {count}")
        if skip_store:
            return
        store = rebuild()
        self.stdout.write(
            f"Roll-up store: {store['rows']} rows, {store['member_rows']} distinct-member rows in {time.monotonic() - loaded:.1f} s"
        )
