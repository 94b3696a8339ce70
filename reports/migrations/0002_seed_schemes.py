"""Seeds the three evaluation schemes (illustrative items, see reports/seed.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from reports.seed import seed_schemes

    seed_schemes(apps.get_model("reports", "EvaluationScheme"), apps.get_model("reports", "EvaluationItem"))


def unseed(apps, schema_editor):
    from reports.seed import SCHEMES

    apps.get_model("reports", "EvaluationScheme").objects.filter(code__in=[s[0] for s in SCHEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
