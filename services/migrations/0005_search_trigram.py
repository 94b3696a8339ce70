from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from core.search_indexes import trigram_index


class Migration(migrations.Migration):
    dependencies = [("services", "0004_list_indexes")]

    operations = [
        TrigramExtension(),
        trigram_index("financing_counterparty_trgm", "services_financing", "counterparty"),
    ]
