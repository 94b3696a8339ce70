"""The record kinds of this app, as the registry (core/kinds.py) knows them."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from branches.models import Staff
from branches.services import staff_create
from core.kinds import Ledger, NavLink, RecordKind, Sample, Synthetic
from services import notable, reminders, services, synthetic
from services.api.views import (
    CashServiceViewSet,
    FinancingViewSet,
    HomeVisitViewSet,
    LoveStationTallyViewSet,
    OutreachEventViewSet,
)
from services.filtersets import (
    CashServiceFilterSet,
    FinancingFilterSet,
    HomeVisitFilterSet,
    LoveStationTallyFilterSet,
    OutreachEventFilterSet,
)
from services.forms import CashServiceForm, FinancingForm, HomeVisitForm, LoveStationTallyForm, OutreachEventForm
from services.models import CashService, Financing, HomeVisit, LoveStationTally, OutreachEvent

SAMPLE_TEAM = ("样例员工甲", "样例员工乙")


def sample_team(branch, user) -> dict:
    """The two staff members a sample home visit names: at the visit's branch, made once."""
    team = []
    for name in SAMPLE_TEAM:
        member = Staff.objects.filter(branch=branch, name=name).first()
        team.append(member or staff_create(user=user, branch=branch, name=name))
    return {"staff": team}


KINDS = (
    RecordKind(
        slug="home-visits",
        model=HomeVisit,
        filterset=HomeVisitFilterSet,
        create=services.home_visit_create,
        update=services.home_visit_update,
        delete=services.home_visit_delete,
        form_class=HomeVisitForm,
        list_columns=("customer_name_masked", "customer_group", "purpose", "follow_up_done_on"),
        viewset=HomeVisitViewSet,
        ledger=Ledger(
            columns="branch occurred_on customer_group customer_name_masked customer_age_band purpose staff duration_minutes recording_ref follow_up_done_on notes",
            duplicate_key=("customer_group", "customer_name_masked", "purpose"),
            example={
                "customer_group": "elderly",
                "customer_name_masked": "王**",
                "customer_age_band": "80_plus",
                "purpose": "pension",
                "staff": ["张三", "李四"],
                "duration_minutes": 40,
            },
            synonyms={
                "occurred_on": "上门日期 走访日期 上门时间",
                "customer_group": "客户类型 客户群体 客户分类",
                "purpose": "上门事由 服务事由 办理业务 业务类型 服务内容",
                "staff": "上门员工 上门人员 上门服务人员",
                "duration_minutes": "时长 服务时长 上门时长 用时",
                "recording_ref": "录音录像 双录编号 录像编号",
                "follow_up_done_on": "回访时间",
            },
        ),
        nav_links=(NavLink(_("Home-visit follow-ups"), "services:home-visit-follow-ups"),),
        synthetic=Synthetic(share=0.18, rows=synthetic.home_visits, links=synthetic.home_visit_teams),
        reminders=(reminders.follow_ups,),
        sample=Sample(
            fields={"customer_group": "elderly", "customer_name_masked": "王**", "purpose": "pension"},
            edit={"customer_group": "disabled"},
            form={"customer_group": "elderly", "customer_name_masked": "王**", "purpose": "pension"},
            form_edit={"customer_group": "disabled"},
            needs=sample_team,
        ),
    ),
    RecordKind(
        slug="outreach-events",
        model=OutreachEvent,
        filterset=OutreachEventFilterSet,
        create=services.outreach_event_create,
        update=services.outreach_event_update,
        delete=services.outreach_event_delete,
        form_class=OutreachEventForm,
        list_columns=("venue_type", "place", "theme", "attendees"),
        viewset=OutreachEventViewSet,
        ledger=Ledger(
            columns="branch occurred_on venue_type place theme attendees partnership notes",
            duplicate_key=("venue_type", "theme", "place"),
            example={"venue_type": "community", "place": "百步亭社区", "theme": "anti_fraud", "attendees": 60},
            synonyms={
                "occurred_on": "活动日期 活动时间",
                "attendees": "受众人数 参与人数 服务人次 人次 人数",
            },
        ),
        synthetic=Synthetic(share=0.1, rows=synthetic.outreach_events),
        sample=Sample(
            fields={"venue_type": "community", "theme": "anti_fraud", "attendees": 40},
            edit={"attendees": 55},
            form={"venue_type": "community", "theme": "anti_fraud", "attendees": "40", "place": "社区"},
            form_edit={"attendees": "55"},
        ),
    ),
    RecordKind(
        slug="financing",
        model=Financing,
        filterset=FinancingFilterSet,
        create=services.financing_create,
        update=services.financing_update,
        delete=services.financing_delete,
        form_class=FinancingForm,
        list_columns=("sector", "product", "counterparty", "amount"),
        viewset=FinancingViewSet,
        ledger=Ledger(
            columns="branch occurred_on sector product counterparty credit_code entities_covered amount notes",
            duplicate_key=("product", "counterparty", "amount"),
            example={
                "sector": "tech",
                "product": "kc_edanbao",
                "counterparty": "武汉某科技有限公司",
                "entities_covered": 1,
                "amount": Decimal("5000000.00"),
            },
            synonyms={
                "occurred_on": "放款日期 发放日期 投放日期",
                "sector": "所属领域 业务领域",
                "product": "产品名称 业务品种",
                "counterparty": "客户名称 企业名称 借款人 客户 服务对象",
                "credit_code": "信用代码 统一信用代码 社会信用代码",
                "entities_covered": "户数 服务户数 覆盖客户数",
                "amount": "金额 贷款金额 发放金额 投放金额 授信金额",
            },
        ),
        synthetic=Synthetic(share=0.1, rows=synthetic.financing),
        sample=Sample(
            fields={
                "sector": "tech",
                "product": "kc_yunshandai",
                "counterparty": "武汉某科技有限公司",
                "amount": Decimal("1000000.00"),
            },
            edit={"sector": "inclusive"},
            form={
                "sector": "tech",
                "product": "kc_yunshandai",
                "counterparty": "武汉某科技有限公司",
                "entities_covered": "1",
                "amount": "1000000.00",
            },
            form_edit={"sector": "inclusive"},
        ),
    ),
    RecordKind(
        slug="love-station-tallies",
        model=LoveStationTally,
        filterset=LoveStationTallyFilterSet,
        create=services.love_station_tally_create,
        update=services.love_station_tally_update,
        delete=services.love_station_tally_delete,
        form_class=LoveStationTallyForm,
        list_columns=("visitor_group", "service", "count"),
        viewset=LoveStationTallyViewSet,
        ledger=Ledger(
            columns="branch occurred_on visitor_group service count notes",
            duplicate_key=("visitor_group", "service"),
            example={"visitor_group": "sanitation", "service": "water", "count": 12},
            strict_duplicates=True,
            synonyms={
                "visitor_group": "对象 服务群体 来访人群",
                "service": "服务内容 服务",
                "count": "服务人次 人数 次数",
            },
        ),
        nav_links=(NavLink(_("Love-station tally"), "services:love-station-tally"),),
        synthetic=Synthetic(share=0.255, rows=synthetic.love_station_tallies),
        sample=Sample(
            fields={"visitor_group": "courier", "service": "water", "count": 3},
            edit={"count": 9},
            form={"visitor_group": "delivery", "service": "charging", "count": "3"},
            form_edit={"count": "9"},
            branch="WH-HY-01",
        ),
    ),
    RecordKind(
        slug="cash-services",
        model=CashService,
        filterset=CashServiceFilterSet,
        create=services.cash_service_create,
        update=services.cash_service_update,
        delete=services.cash_service_delete,
        form_class=CashServiceForm,
        list_columns=("service", "customer_type", "pieces_counted", "amount"),
        viewset=CashServiceViewSet,
        ledger=Ledger(
            columns="branch occurred_on service customer_type customer_description pieces_counted amount staff_hours notes",
            duplicate_key=("service", "customer_type", "customer_description", "pieces_counted", "amount"),
            example={
                "service": "coin_counting",
                "customer_type": "school",
                "customer_description": "某小学",
                "pieces_counted": 3860,
                "amount": Decimal("1930.00"),
                "staff_hours": Decimal("2.5"),
            },
            synonyms={
                "service": "服务内容 业务类型",
                "customer_type": "客户类别",
                "customer_description": "客户名称 单位名称 客户",
                "pieces_counted": "枚数 清点数量 硬币枚数",
                "amount": "金额 清点金额 兑换金额",
                "staff_hours": "工时 员工工时（小时） 耗时",
            },
        ),
        synthetic=Synthetic(share=0.1, rows=synthetic.cash_services),
        report_cases=notable.cash_service_cases,
        sample=Sample(
            fields={
                "service": "coin_counting",
                "customer_type": "school",
                "pieces_counted": 1200,
                "amount": Decimal("600.00"),
            },
            edit={"pieces_counted": 1500},
            form={
                "service": "coin_counting",
                "customer_type": "school",
                "pieces_counted": "1200",
                "amount": "600.00",
                "staff_hours": "1.5",
            },
            form_edit={"pieces_counted": "1500"},
        ),
    ),
)
