"""Repair stored dates outside the portal's range (issue 15): see records/date_repair.py for what
each kind of value becomes and why."""

from django.db import migrations


def repair(apps, schema_editor):
    from records.date_repair import repair_stored_dates

    repair_stored_dates(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("antifraud", "0003_record_indexes"),
        ("branches", "0003_record_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("metrics", "0003_dashboard_indexes"),
        ("portal", "0003_audit_batches"),
        ("services", "0002_record_indexes"),
        ("volunteering", "0002_record_indexes"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
