"""Create the illustrative evaluation schemes and items that are missing (after a flush, say)."""

from django.core.management.base import BaseCommand

from reports.models import EvaluationItem, EvaluationScheme
from reports.seed import seed_schemes


class Command(BaseCommand):
    help = "Create the three evaluation schemes (文明规范服务网点, 文明单位, 青年文明号) with illustrative items."

    def handle(self, *args, **options):
        created = seed_schemes(EvaluationScheme, EvaluationItem)
        self.stdout.write(f"{created} evaluation items created")
