"""The record kinds of this app, as the registry (core/kinds.py) knows them."""

import datetime
from decimal import Decimal

from antifraud import notable, services, synthetic
from antifraud.api.views import AwarenessSessionViewSet, InterventionViewSet
from antifraud.filtersets import AwarenessSessionFilterSet, InterventionFilterSet
from antifraud.forms import AwarenessSessionForm, InterventionForm
from antifraud.models import AwarenessSession, Intervention
from antifraud.views import InterventionDetailView
from core.kinds import Ledger, RecordKind, Sample, Synthetic

KINDS = (
    RecordKind(
        slug="interventions",
        model=Intervention,
        filterset=InterventionFilterSet,
        create=services.intervention_create,
        update=services.intervention_update,
        delete=services.intervention_delete,
        form_class=InterventionForm,
        list_columns=("channel", "fraud_type", "amount_at_risk", "status"),
        detail_view=InterventionDetailView,
        viewset=InterventionViewSet,
        ledger=Ledger(
            columns="branch occurred_on occurred_time channel fraud_type customer_name_masked customer_age_band amount_at_risk status police_unit amount_protected staff notes",
            duplicate_key=("occurred_time", "channel", "fraud_type", "customer_name_masked", "amount_at_risk"),
            example={
                "occurred_time": datetime.time(10, 30),
                "channel": "counter_cash",
                "fraud_type": "high_yield",
                "customer_name_masked": "李**",
                "customer_age_band": "70_79",
                "amount_at_risk": Decimal("200000.00"),
                "status": "suspected",
                "staff": ["张三"],
            },
            synonyms={
                "occurred_on": "拦截日期",
                "occurred_time": "拦截时间 发生时间 时刻",
                "channel": "拦截渠道 业务渠道 交易渠道",
                "fraud_type": "诈骗类别 涉诈类型 类型",
                "amount_at_risk": "涉险金额 涉案金额 涉诈金额",
                "status": "处置状态 处置结果",
                "police_unit": "派出所 出警单位",
                "amount_protected": "拦截金额 止付金额 挽回金额",
                "staff": "处置员工 拦截员工",
            },
        ),
        synthetic=Synthetic(share=0.03, rows=synthetic.interventions),
        notable=notable.notable_interventions,
        report_cases=notable.intervention_cases,
        sample=Sample(
            fields={"channel": "counter_cash", "fraud_type": "high_yield", "amount_at_risk": Decimal("200000.00")},
            edit={"fraud_type": "fake_investment"},
            form={
                "channel": "counter_cash",
                "fraud_type": "high_yield",
                "amount_at_risk": "200000.00",
                "status": "suspected",
            },
            form_edit={"fraud_type": "fake_investment"},
        ),
    ),
    RecordKind(
        slug="awareness-sessions",
        model=AwarenessSession,
        filterset=AwarenessSessionFilterSet,
        create=services.awareness_session_create,
        update=services.awareness_session_update,
        delete=services.awareness_session_delete,
        form_class=AwarenessSessionForm,
        list_columns=("venue_type", "place", "audience", "partner"),
        viewset=AwarenessSessionViewSet,
        ledger=Ledger(
            columns="branch occurred_on venue_type place audience partner notes",
            duplicate_key=("venue_type", "place", "audience"),
            example={"venue_type": "school", "place": "某中学", "audience": 300, "partner": "police"},
            synonyms={
                "occurred_on": "宣传日期 活动日期",
                "audience": "受众人数 参与人数 人次 人数",
                "partner": "合作单位 联合单位",
            },
        ),
        synthetic=Synthetic(share=0.1, rows=synthetic.awareness_sessions),
        sample=Sample(
            fields={"venue_type": "school", "audience": 80, "partner": "police"},
            edit={"audience": 120},
            form={"venue_type": "school", "audience": "80", "partner": "police"},
            form_edit={"audience": "120"},
        ),
    ),
)
