"""The API's view of an import job (for the answer and for the OpenAPI schema)."""

from django.urls import reverse
from rest_framework import serializers

from ledgers.models import ImportJob


class ProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Row number in the sheet (the header is row 1).")
    column = serializers.CharField(help_text="Column letter, empty for the row as a whole.")
    header = serializers.CharField()
    message = serializers.CharField()
    duplicate = serializers.BooleanField(help_text="A likely duplicate (let through with allow_duplicates=1).")
    link = serializers.CharField(
        required=False, help_text="For a likely duplicate of a saved record: the path of that record's page."
    )


class ImportJobSerializer(serializers.Serializer):
    id = serializers.CharField(source="token")
    kind = serializers.CharField()
    state = serializers.ChoiceField(choices=ImportJob.State.choices)
    dry_run = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField()
    rows_done = serializers.IntegerField()
    good_rows = serializers.IntegerField()
    created = serializers.IntegerField(source="created_count")
    problem_count = serializers.IntegerField()
    duplicate_count = serializers.IntegerField()
    problems = ProblemSerializer(many=True)
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text="How the file was read: the sheet, title, total and signature rows skipped, units converted.",
    )
    file_error = serializers.CharField()
    seconds = serializers.FloatField(allow_null=True)
    status_url = serializers.SerializerMethodField()

    def get_dry_run(self, job) -> bool:
        return job.state in (ImportJob.State.CHECKING, ImportJob.State.CHECKED)

    def get_rows(self, job) -> int:
        return job.rows_total or 0

    def get_status_url(self, job) -> str:
        return self.context["request"].build_absolute_uri(reverse("ledgers-api:job", args=[job.token]))


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The ledger: the kind's template filled in, or a ledger kept by hand (.xlsx, .xls, .ods, "
        "or .csv in UTF-8 or GB18030), with title rows, a cover sheet, totals and signature lines as clerks make them."
    )


class ImportRefusalSerializer(ImportJobSerializer):
    """A refused import (400): `file` says why a file could not be read at all (then the job's
    fields may be absent), or `detail` sums up the rows' problems (listed in `problems`)."""

    file = serializers.ListField(child=serializers.CharField(), help_text="Why the file was refused.")
    detail = serializers.CharField(help_text="How many problems; nothing was written.")
    # Present when the file could be read at all (schema only: the answer is the job's data).
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    status_url = serializers.URLField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
