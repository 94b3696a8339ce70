"""API endpoints of monthly submissions (submit, nil return, approve, return, reopen) and of
the metrics query, which answers from the roll-up store only."""

from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from branches.access import open_to_metrics_clients
from branches.models import Branch
from core.catalogue import METRICS
from metrics import selectors
from metrics.api import serializers
from records.api.formats import CSVRenderer


@open_to_metrics_clients
class MetricsView(APIView):
    """Values of the metric catalogue for a node's subtree, like DHIS2's analytics API.

    Rows of node, period, metric, split and value, read from the roll-up store with a constant
    number of queries: `by=children` gives one row per child node, `by=month` one per month,
    `by=split` one per split value (e.g. `customer_group:elderly`).
    """

    renderer_classes = (JSONRenderer, CSVRenderer)
    error_statuses = {"get": (400,)}

    @extend_schema(parameters=[serializers.MetricsQuerySerializer], responses=serializers.MetricsAnswerSerializer)
    def get(self, request):
        question = serializers.MetricsQuerySerializer(data=request.query_params, context={"request": request})
        question.is_valid(raise_exception=True)
        asked = question.validated_data
        branch, period, by = asked["branch"], asked["period"], asked["by"]
        nodes = list(Branch.objects.filter(parent=branch).order_by("path")) if "children" in by else [branch]
        codes = {node.pk: node.code for node in nodes}
        found = selectors.query(
            branch_ids=list(codes),
            period=period,
            metrics=asked["metric"],
            by=("month",) if "month" in by else (),
            splits="*" if "split" in by else None,
        )
        rows = [
            {
                "node": codes[row.branch_id],
                "period": row.month.strftime("%Y-%m") if row.month else period.text,
                "metric": row.metric,
                "split": row.split or None,
                "value": row.value,
                "unit": METRICS[row.metric].unit,
            }
            for row in found
        ]
        answer = {
            "branch": branch.code,
            "period": period.text,
            "metrics": asked["metric"],
            "by": [b for b in serializers.BREAKDOWNS if b in by],
            "rows": rows,
        }
        return Response(serializers.MetricsAnswerSerializer(answer).data)
