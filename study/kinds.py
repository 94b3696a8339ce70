"""The record kinds of this app, as the registry (core/kinds.py) knows them."""

from decimal import Decimal

from core.kinds import Ledger, RecordKind, ReportPart, Sample, Synthetic
from study import demo, report, services, synthetic
from study.api.views import StudySessionViewSet
from study.filtersets import StudySessionFilterSet
from study.forms import StudySessionForm
from study.models import StudySession

KINDS = (
    RecordKind(
        slug="study-sessions",
        model=StudySession,
        filterset=StudySessionFilterSet,
        create=services.study_session_create,
        update=services.study_session_update,
        delete=services.study_session_delete,
        form_class=StudySessionForm,
        list_columns=("session_type", "title", "place", "person_times", "hours"),
        viewset=StudySessionViewSet,
        ledger=Ledger(
            columns="branch occurred_on session_type title place organiser participants person_times hours notes",
            duplicate_key=("session_type", "title"),
            example={
                "session_type": "clean_reading",
                "title": "清廉读书会",
                "place": "党员活动室",
                "organiser": "支行党支部",
                "participants": ["张三", "李四"],
                "person_times": 12,
                "hours": Decimal("24.0"),
            },
        ),
        synthetic=Synthetic(share=0.02, rows=synthetic.study_sessions),
        sample=Sample(
            fields={"session_type": "theory", "title": "理论学习", "person_times": 10, "hours": Decimal("20.0")},
            edit={"person_times": 14},
            form={"session_type": "theory", "title": "理论学习", "person_times": "10", "hours": "20.0"},
            form_edit={"person_times": "14"},
        ),
        report_part=ReportPart(5, report.write),
        demo=demo.load,
    ),
)
