"""The record kinds of this app, as the registry (core/kinds.py) knows them."""

from decimal import Decimal

from core.kinds import Ledger, RecordKind, Sample, Synthetic
from volunteering import services, synthetic
from volunteering.api.views import TeamViewSet, VolunteerActivityViewSet
from volunteering.filtersets import TeamFilterSet, VolunteerActivityFilterSet
from volunteering.forms import TeamForm, VolunteerActivityForm
from volunteering.models import Team, VolunteerActivity

KINDS = (
    RecordKind(
        slug="volunteer-activities",
        model=VolunteerActivity,
        filterset=VolunteerActivityFilterSet,
        create=services.volunteer_activity_create,
        update=services.volunteer_activity_update,
        delete=services.volunteer_activity_delete,
        form_class=VolunteerActivityForm,
        list_columns=("theme", "place", "participants", "hours"),
        viewset=VolunteerActivityViewSet,
        ledger=Ledger(
            columns="branch occurred_on theme place participants beneficiaries hours notes",
            duplicate_key=("theme", "place", "participants"),
            example={
                "theme": "elderly",
                "place": "百步亭社区",
                "participants": 8,
                "beneficiaries": 40,
                "hours": Decimal("16.0"),
            },
            synonyms={
                "occurred_on": "活动日期 活动时间",
                "participants": "参与人次 参与员工数 志愿者人数 参与人数",
                "beneficiaries": "受益人次 服务人数 服务对象人数",
                "hours": "服务时长 志愿时长 时长 志愿服务时长",
            },
        ),
        synthetic=Synthetic(share=0.06, rows=synthetic.volunteer_activities),
        sample=Sample(
            fields={"theme": "elderly", "participants": 8, "beneficiaries": 30, "hours": Decimal("16.0")},
            edit={"participants": 12},
            form={"theme": "elderly", "participants": "8", "beneficiaries": "30", "hours": "16.0"},
            form_edit={"participants": "12"},
        ),
    ),
    RecordKind(
        slug="teams",
        model=Team,
        filterset=TeamFilterSet,
        create=services.team_create,
        update=services.team_update,
        delete=services.team_delete,
        form_class=TeamForm,
        list_columns=("kind", "name", "members", "disbanded_on"),
        viewset=TeamViewSet,
        ledger=Ledger(
            columns="branch occurred_on kind name members disbanded_on notes",
            duplicate_key=("kind", "name"),
            example={"kind": "youth_vanguard", "name": "青年先锋队", "members": 6},
            synonyms={
                "occurred_on": "成立时间",
                "name": "队伍名称",
                "members": "成员人数 人数",
                "disbanded_on": "撤销时间",
            },
        ),
        synthetic=Synthetic(share=0.01, rows=synthetic.teams),
        sample=Sample(
            fields={"kind": "youth_vanguard", "name": "青年先锋队一队", "members": 6},
            edit={"kind": "party_commando"},
            form={"kind": "youth_vanguard", "name": "青年先锋队二队", "members": "6"},
            form_edit={"kind": "party_commando"},
        ),
    ),
)
