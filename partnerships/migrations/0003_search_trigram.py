from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from core.search_indexes import trigram_index


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0002_list_indexes")]

    operations = [
        TrigramExtension(),
        trigram_index("partnership_partner_name_trgm", "partnerships_partnership", "partner_name"),
    ]
