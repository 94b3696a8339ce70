"""A compact roll-up store (issue 7): the MetricValue index leads with the branch and metric,
distinct members keep one row per year with a counter per month, and distinct counts are
precomputed per month, quarter and year. The old member rows are converted, not dropped."""

import django.db.models.deletion
from django.db import migrations, models

MONTHS = [f"m{i}" for i in range(1, 13)]
COUNTS = [*MONTHS, "q1", "q2", "q3", "q4", "total"]


def _year_month(vendor: str) -> tuple[str, str]:
    if vendor == "postgresql":
        return "CAST(EXTRACT(YEAR FROM month) AS integer)", "CAST(EXTRACT(MONTH FROM month) AS integer)"
    return "CAST(strftime('%Y', month) AS integer)", "CAST(strftime('%m', month) AS integer)"


def convert_members(apps, schema_editor):
    """metrics_distinctmemberold (one row per month) -> one row per year; then the counts."""
    year, month = _year_month(schema_editor.connection.vendor)
    pivot = ", ".join(f"SUM(CASE WHEN {month} = {i} THEN refs ELSE 0 END)" for i in range(1, 13))
    present = [f"{m} > 0" for m in MONTHS]
    conditions = [*present, *(" OR ".join(present[3 * q : 3 * q + 3]) for q in range(4)), " OR ".join(present)]
    counts = ", ".join(f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END)" for c in conditions)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO metrics_distinctmember (branch_id, metric, split, year, member, {', '.join(MONTHS)}) "
            f"SELECT branch_id, metric, split, {year}, member, {pivot} FROM metrics_distinctmemberold "
            f"WHERE refs <> 0 GROUP BY branch_id, metric, split, {year}, member"
        )
        cursor.execute(
            f"INSERT INTO metrics_distinctcount (branch_id, metric, split, year, {', '.join(COUNTS)}) "
            f"SELECT branch_id, metric, split, year, {counts} FROM metrics_distinctmember "
            f"GROUP BY branch_id, metric, split, year"
        )


def _counter():
    return models.IntegerField(default=0)


class Migration(migrations.Migration):
    dependencies = [
        ("branches", "0001_initial"),
        ("metrics", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="metricvalue", name="metricvalue_metric_month"),
        migrations.RemoveConstraint(model_name="metricvalue", name="metricvalue_unique"),
        migrations.AddConstraint(
            model_name="metricvalue",
            constraint=models.UniqueConstraint(fields=("branch", "metric", "split", "month"), name="metricvalue_unique"),
        ),
        migrations.AlterField(
            model_name="metricvalue",
            name="branch",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="branches.branch",
            ),
        ),
        migrations.RemoveConstraint(model_name="distinctmember", name="distinctmember_unique"),
        migrations.RenameModel(old_name="DistinctMember", new_name="DistinctMemberOld"),
        migrations.CreateModel(
            name="DistinctMember",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("metric", models.CharField(max_length=50)),
                ("split", models.CharField(blank=True, default="", max_length=100)),
                ("year", models.PositiveSmallIntegerField()),
                ("member", models.CharField(max_length=250)),
                *((name, _counter()) for name in MONTHS),
                (
                    "branch",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="branches.branch",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("branch", "metric", "split", "year", "member"), name="distinctmember_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DistinctCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("metric", models.CharField(max_length=50)),
                ("split", models.CharField(blank=True, default="", max_length=100)),
                ("year", models.PositiveSmallIntegerField()),
                *((name, _counter()) for name in COUNTS),
                (
                    "branch",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="branches.branch",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("branch", "metric", "split", "year"), name="distinctcount_unique")
                ],
            },
        ),
        migrations.RunPython(convert_members, migrations.RunPython.noop),
        migrations.DeleteModel(name="DistinctMemberOld"),
    ]
