from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from core.search_indexes import trigram_index


class Migration(migrations.Migration):
    dependencies = [("branches", "0006_target_metric_study")]

    operations = [
        TrigramExtension(),
        trigram_index("branch_code_trgm", "branches_branch", "code"),
        trigram_index("branch_name_trgm", "branches_branch", "name"),
        trigram_index("branch_short_name_trgm", "branches_branch", "short_name"),
        trigram_index("staff_name_trgm", "branches_staff", "name"),
    ]
