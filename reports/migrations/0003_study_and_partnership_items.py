"""Adds the study (学习教育) and co-building (共建) items of issue 17 to the seeded schemes:
文明单位 WU-08 (10 points) and WU-09 (5 points), which bring it to 100 points, and 青年文明号 QN-07.
Existing items are left as an administrator edited them, and a scheme an administrator removed
stays removed (seed_schemes only creates the missing items named here)."""

from django.db import migrations

NEW_ITEMS = {"civilized-unit": ["WU-08", "WU-09"], "youth-civilization": ["QN-07"]}


def seed(apps, schema_editor):
    from reports.seed import seed_schemes

    seed_schemes(
        apps.get_model("reports", "EvaluationScheme"), apps.get_model("reports", "EvaluationItem"), only=NEW_ITEMS
    )


def unseed(apps, schema_editor):
    Item = apps.get_model("reports", "EvaluationItem")
    for scheme, codes in NEW_ITEMS.items():
        Item.objects.filter(scheme__code=scheme, code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_seed_schemes")]

    operations = [migrations.RunPython(seed, unseed)]
