"""Honours moved to their own app (honours/): the model leaves this app's state only; its table
(branches_honour) stays and honours.0001 takes it over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("branches", "0003_record_indexes"),
        # The stored-dates repair reads honours under their old label.
        ("portal", "0004_repair_stored_dates"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Honour")]),
    ]
