"""The record kinds of this app, as the registry (core/kinds.py) knows them."""

from core.kinds import Ledger, RecordKind, Sample, Synthetic
from honours import notable, reminders, services, synthetic
from honours.api import HonourViewSet
from honours.filtersets import HonourFilterSet
from honours.forms import HonourForm
from honours.models import Honour
from honours.views import HonourDetailView

KINDS = (
    RecordKind(
        slug="honours",
        model=Honour,
        filterset=HonourFilterSet,
        create=services.honour_create,
        update=services.honour_update,
        delete=services.honour_delete,
        form_class=HonourForm,
        list_columns=("kind", "level", "title", "recipient_staff", "status"),
        detail_view=HonourDetailView,
        viewset=HonourViewSet,
        ledger=Ledger(
            columns="branch occurred_on kind level title issuer recipient_staff valid_until star_level notes",
            duplicate_key=("kind", "title", "recipient_staff"),
            example={"kind": "pennant", "level": "customer", "title": "服务热情周到", "issuer": "王**"},
            synonyms={
                "occurred_on": "获得时间 获奖日期 授予日期 日期",
                "kind": "荣誉类别 类型",
                "level": "荣誉级别 等级",
                "title": "荣誉名称 称号 内容",
                "issuer": "授予方 颁发单位 颁发方",
                "recipient_staff": "获得者 获奖员工 获得员工",
                "valid_until": "有效期",
            },
        ),
        synthetic=Synthetic(share=0.02, rows=synthetic.honours),
        notable=notable.notable_honours,
        lapsing=notable.lapsing_titles,
        report_cases=notable.honour_cases,
        reminders=(reminders.honours_lapsing,),
        sample=Sample(
            fields={"kind": "pennant", "level": "customer", "title": "服务热情周到"},
            edit={"kind": "praise_ticket"},
            form={"kind": "pennant", "level": "customer", "title": "服务热情周到"},
            form_edit={"kind": "praise_ticket"},
        ),
    ),
)
