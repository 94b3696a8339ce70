"""Indexes for the few record-table reads of a dashboard (issue 7), so that they stay small at
ten million records:

- the notable interventions of a period (police attended or confirmed), newest first;
- honours by level and date, which the notable honours read one level at a time;
- honorary titles by the end of their validity (the lapsing titles).

The queries are dashboards.notable and dashboards.lapsing; the tables are the
record kinds', which is why the indexes are plain SQL here rather than in those models' Meta.
Both PostgreSQL and SQLite take the same statements.
"""

from django.db import migrations

INDEXES = [
    (
        "intervention_notable_date",
        "CREATE INDEX IF NOT EXISTS intervention_notable_date ON antifraud_intervention (occurred_on, id) "
        "WHERE status IN ('police_attended', 'confirmed')",
    ),
    ("honour_level_date", "CREATE INDEX IF NOT EXISTS honour_level_date ON branches_honour (level, occurred_on, id)"),
    (
        "honour_title_validity",
        "CREATE INDEX IF NOT EXISTS honour_title_validity ON branches_honour (valid_until) WHERE kind = 'title'",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("antifraud", "0001_initial"),
        ("branches", "0001_initial"),
        ("metrics", "0002_compact_store"),
    ]

    operations = [
        migrations.RunSQL(sql, reverse_sql=f"DROP INDEX IF EXISTS {name}", elidable=False) for name, sql in INDEXES
    ]
