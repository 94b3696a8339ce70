"""The audit log moved to its own app (audit/): the model leaves this app's state only; its table
(portal_auditentry) stays and audit.0001 takes it over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_repair_stored_dates"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="AuditEntry")]),
    ]
