import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from branches.models import Branch
from core.catalogue import METRICS
from core.periods import PeriodError, parse_period
from metrics.selectors import totals


class Command(BaseCommand):
    help = "Print every catalogue metric for a node's subtree and a period (2025, 2025Q3, 2025-08, 2021..2025)."

    def add_arguments(self, parser):
        parser.add_argument("--branch", required=True, help="branch code, such as WH-FTZ")
        parser.add_argument("--period", required=True)
        parser.add_argument("--json", action="store_true", help="print one JSON object {metric_key: total}")

    def handle(self, *args, branch, period, json=False, **options):
        try:
            node = Branch.objects.get(code=branch)
        except Branch.DoesNotExist:
            raise CommandError(f"Unknown branch {branch}") from None
        try:
            span = parse_period(period)
        except PeriodError as e:
            raise CommandError(str(e)) from None
        values = totals(node, span)
        if json:
            self.stdout.write(_json_dumps(values))
            return
        translation.activate("zh-hans")
        self.stdout.write(f"{node.code} {node.name} · {span.label()}")
        for key, value in values.items():
            self.stdout.write(f"  {key:<32} {str(METRICS[key].label):<24} {value}")


def _json_dumps(values: dict) -> str:
    return json.dumps({k: (float(v) if not isinstance(v, int) else v) for k, v in values.items()}, ensure_ascii=False)
