"""API fields of monthly submissions and of the metrics query (rows of the roll-up store)."""

import datetime
import re

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from branches.codes import find_branch, unknown_branch_message
from branches.models import Branch
from core.catalogue import METRICS
from core.periods import MAX_YEAR, MIN_YEAR, PeriodError, parse_period
from metrics.models import Submission
from metrics.selectors import UnknownMetric, check_metrics
from records.api.records import BranchCodeField, RefuseMassAssignment

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
BREAKDOWNS = ("children", "month", "split")
UNITS = ("count", "cny", "hours", "person_times")


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2025-08"})
class MonthField(serializers.Field):
    """A month written as YYYY-MM."""

    default_error_messages = {"invalid": _("Give the month as YYYY-MM, such as 2025-08.")}

    def to_internal_value(self, data):
        match = MONTH_RE.match(data) if isinstance(data, str) else None
        if not match or not MIN_YEAR <= int(match[1]) <= MAX_YEAR:
            self.fail("invalid")
        return datetime.date(int(match[1]), int(match[2]), 1)

    def to_representation(self, value):
        return value.strftime("%Y-%m")


class SubmissionSerializer(serializers.ModelSerializer):
    branch = BranchCodeField(read_only=True)
    month = MonthField(read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    is_late = serializers.BooleanField(read_only=True)
    due_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Submission
        fields = (
            "id",
            "branch",
            "month",
            "status",
            "is_nil_return",
            "submitted_by",
            "submitted_at",
            "due_at",
            "is_late",
            "decided_by",
            "decided_at",
            "reason",
            "version",
        )
        read_only_fields = fields


class SubmitSerializer(RefuseMassAssignment, serializers.Serializer):
    """Submit a branch's month, or file a nil return ("nothing to report")."""

    branch = BranchCodeField()
    month = MonthField()
    nil_return = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class MetricsQuerySerializer(serializers.Serializer):
    """The question: which node, period, metrics and breakdown."""

    branch = serializers.CharField(max_length=32, help_text="A branch code in your scope: its whole subtree.")
    period = serializers.CharField(max_length=40, help_text="2025, 2025Q3, 2025-08, 2021..2025 or 2025-01..2025-06.")
    metric = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Metric keys, comma-separated; all when absent."
    )
    by = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="children, month or split (comma-separated)."
    )

    def validate_branch(self, code):
        user = self.context["request"].user
        branch = find_branch(Branch.objects.for_user(user), code)
        if branch is None:
            raise serializers.ValidationError(unknown_branch_message(code))
        return branch

    def validate_period(self, text):
        try:
            return parse_period(text)
        except PeriodError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate_metric(self, text):
        keys = [k.strip() for k in (text or "").split(",") if k.strip()]
        try:
            return check_metrics(list(dict.fromkeys(keys)))
        except UnknownMetric as exc:
            raise serializers.ValidationError(_("Unknown metric: %(key)s") % {"key": exc.key}) from exc

    def validate_by(self, text):
        parts = [p.strip() for p in (text or "").split(",") if p.strip()]
        unknown = [p for p in parts if p not in BREAKDOWNS]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown breakdown: %(by)s; use children, month or split.") % {"by": unknown[0]}
            )
        return set(parts)

    def validate(self, attrs):
        attrs.setdefault("metric", check_metrics(None))
        attrs.setdefault("by", set())
        return attrs


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d+)?$", "example": "83"})
class MetricValueField(serializers.Field):
    """Every value is an exact decimal string, counts ("83") as well as money ("400000000.00") and
    hours: one JSON type per field, so a client's column converts with one astype(float)."""

    def to_representation(self, value):
        return str(value)


class MetricRowSerializer(serializers.Serializer):
    node = serializers.CharField(help_text="The branch code whose subtree the value covers.")
    period = serializers.CharField(help_text="The period asked, or the month (YYYY-MM) with by=month.")
    metric = serializers.CharField()
    split = serializers.CharField(allow_null=True, help_text="dimension:value with by=split; null for the total.")
    value = MetricValueField()
    unit = serializers.ChoiceField(
        choices=UNITS, help_text="What the value counts: count, cny (yuan), hours or person_times."
    )


class MetricsAnswerSerializer(serializers.Serializer):
    branch = serializers.CharField()
    period = serializers.CharField()
    metrics = serializers.ListField(child=serializers.CharField())
    by = serializers.ListField(child=serializers.ChoiceField(choices=BREAKDOWNS))
    rows = MetricRowSerializer(many=True)


METRIC_KEYS = tuple(METRICS)
