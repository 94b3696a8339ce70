from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from core.search_indexes import trigram_index


class Migration(migrations.Migration):
    dependencies = [("honours", "0002_list_indexes")]

    operations = [
        TrigramExtension(),
        trigram_index("honour_title_trgm", "branches_honour", "title"),
    ]
