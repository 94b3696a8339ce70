"""The demo network of the article (ICBC Wuhan) and records that reproduce its figures.

The article's figures for 2025 are reproduced exactly (see README, "Demo figures"); everything
else (single amounts, daily love-station tallies, other months and years) is illustrative,
drawn from a seeded random generator so every load gives the same data.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from antifraud.models import AwarenessSession, Intervention
from antifraud.services import intervention_create
from audit.history import audit
from audit.models import AuditEntry
from branches.models import Branch, Membership, Role, Staff
from branches.services import branch_create, target_set
from core.kinds import record_kinds
from honours.models import Honour
from honours.services import honour_create
from metrics.models import Submission
from records.services import record_bulk_create
from services.models import CashService, Financing, HomeVisit, LoveStationTally, OutreachEvent
from services.services import cash_service_create
from submissions.services import submission_approve, submission_submit
from volunteering.models import Team, VolunteerActivity

DEMO_PASSWORD = "portal-demo"

TREE = [
    # code, name, short name, level, parent, extra attributes
    ("ICBC", "中国工商银行", "工商银行", Branch.Level.HEAD_OFFICE, None, {}),
    ("HB", "中国工商银行湖北省分行", "湖北省分行", Branch.Level.PROVINCE, "ICBC", {}),
    ("WH", "中国工商银行武汉分行", "武汉分行", Branch.Level.CITY, "HB", {}),
    (
        "WH-FTZ",
        "中国工商银行湖北自贸试验区武汉片区分行",
        "武汉自贸分行",
        Branch.Level.SUB_BRANCH,
        "WH",
        {"address": "武汉市东湖高新区"},
    ),
    ("WH-QK", "中国工商银行武汉硚口支行", "硚口支行", Branch.Level.SUB_BRANCH, "WH", {}),
    ("WH-QK-01", "中国工商银行武汉硚口支行营业室", "硚口支行营业室", Branch.Level.OUTLET, "WH-QK", {}),
    (
        "WH-BBT",
        "中国工商银行武汉百步亭支行",
        "百步亭支行",
        Branch.Level.SUB_BRANCH,
        "WH",
        {
            "population_served": 70000,
            "community_finance": True,
            "elderly_finance_demo": True,
            "address": "武汉市江岸区百步亭社区",
        },
    ),
    (
        "WH-XBH",
        "中国工商银行武汉西北湖支行",
        "西北湖支行",
        Branch.Level.SUB_BRANCH,
        "WH",
        {"inclusive_finance_model": True},
    ),
    ("WH-SGH", "中国工商银行武汉水果湖支行", "水果湖支行", Branch.Level.SUB_BRANCH, "WH", {}),
    ("WH-SGH-01", "中国工商银行武汉水果湖支行营业室", "水果湖支行营业室", Branch.Level.OUTLET, "WH-SGH", {}),
    ("WH-HY", "中国工商银行武汉汉阳支行", "汉阳支行", Branch.Level.SUB_BRANCH, "WH", {}),
    (
        "WH-HY-01",
        "中国工商银行武汉汉阳支行营业室",
        "汉阳支行营业室",
        Branch.Level.OUTLET,
        "WH-HY",
        {"love_station_since": 2017, "knowledge_corner_since": 2025},
    ),
]

USERS = [
    # username, display name, branch, role
    ("staff_qk", "李敏", "WH-QK-01", Role.OUTLET_STAFF),
    ("staff_hy", "孙悦", "WH-HY-01", Role.OUTLET_STAFF),  # the love station's outlet (the tally)
    ("manager_qk", "王强", "WH-QK", Role.BRANCH_MANAGER),
    ("manager_bbt", "陈静", "WH-BBT", Role.BRANCH_MANAGER),
    ("analyst_wh", "刘洋", "WH", Role.ANALYST),
    ("analyst_hq", "赵磊", "ICBC", Role.ANALYST),
]

STAFF_NAMES = [
    "张伟",
    "王芳",
    "李娜",
    "刘洋",
    "陈杰",
    "杨丽",
    "赵军",
    "黄磊",
    "周婷",
    "吴昊",
    "徐静",
    "孙鹏",
    "胡敏",
    "朱琳",
    "高翔",
    "林涛",
    "何雪",
    "郭亮",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗".replace("", " ").split()
ENTERPRISE_WORDS = [
    "光谷",
    "东湖",
    "楚天",
    "长江",
    "江城",
    "汉江",
    "珞珈",
    "未来",
    "星辰",
    "智联",
    "芯源",
    "云帆",
    "锐思",
    "启明",
    "博远",
    "华创",
    "新能",
    "绿源",
    "精工",
    "数智",
]
ENTERPRISE_TRADES = ["科技", "生物", "光电", "软件", "智能", "新材料", "信息", "医疗器械", "机器人", "激光"]


def _dates(rng, year, n, *, months=range(1, 13), until=None):
    """n dates in `year` (within `months`), never after `until`."""
    until = until or timezone.localdate()
    days = [datetime.date(year, m, d) for m in months for d in range(1, 29) if datetime.date(year, m, d) <= until]
    return sorted(rng.choice(days) for _ in range(n)) if days else []


def _split_amount(rng, total: Decimal, n: int, step: Decimal = Decimal("10000")) -> list[Decimal]:
    """n positive amounts, multiples of `step` except the last, adding up to `total` exactly."""
    weights = [rng.uniform(0.3, 3.0) for _ in range(n)]
    scale = total / Decimal(str(sum(weights)))
    amounts = [(Decimal(str(w)) * scale / step).quantize(Decimal(1)) * step for w in weights[:-1]]
    amounts.append(total - sum(amounts))
    assert amounts[-1] > 0 and sum(amounts) == total
    return amounts


def _counts_summing(rng, total: int, n: int, low: int, high: int) -> list[int]:
    counts = [rng.randint(low, high) for _ in range(n)]
    while sum(counts) != total:
        i = rng.randrange(n)
        if sum(counts) < total and counts[i] < high * 2:
            counts[i] += 1
        elif sum(counts) > total and counts[i] > low:
            counts[i] -= 1
    return counts


def _enterprise(rng, used: set) -> str:
    while True:
        name = (
            f"武汉{rng.choice(ENTERPRISE_WORDS)}{rng.choice(ENTERPRISE_WORDS)}{rng.choice(ENTERPRISE_TRADES)}有限公司"
        )
        if name not in used:
            used.add(name)
            return name


class DemoLoader:
    def __init__(self, seed: int = 2025):
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.branches: dict[str, Branch] = {}
        self.users: dict = {}
        self.staff: dict[str, list[Staff]] = {}
        self.enterprise_names: set[str] = set()

    # --- network and people -----------------------------------------------------------

    def ensure_network(self, admin) -> None:
        existing = {b.code: b for b in Branch.objects.filter(code__in=[t[0] for t in TREE])}
        for code, name, short, level, parent, extra in TREE:
            if code not in existing:
                existing[code] = branch_create(
                    user=admin,
                    code=code,
                    name=name,
                    short_name=short,
                    level=level,
                    parent=existing[parent] if parent else None,
                    **extra,
                )
        self.branches = existing

    def ensure_users(self):
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True, "first_name": "系统管理员"}
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        self.users["admin"] = admin
        return admin

    def ensure_personas(self) -> None:
        User = get_user_model()
        for username, display, code, role in USERS:
            user, created = User.objects.get_or_create(username=username, defaults={"first_name": display})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            Membership.objects.get_or_create(user=user, branch=self.branches[code], role=role)
            self.users[username] = user
        staff_user = self.users["staff_qk"]
        if not Staff.objects.filter(user=staff_user).exists():
            Staff.objects.create(
                name="李敏", branch=self.branches["WH-QK-01"], user=staff_user, is_party_member=True, birth_year=1994
            )

    def ensure_staff(self) -> None:
        names = iter(STAFF_NAMES)
        for code in ("WH-FTZ", "WH-QK-01", "WH-BBT", "WH-XBH", "WH-SGH-01", "WH-HY-01"):
            branch = self.branches[code]
            for _ in range(max(0, 3 - Staff.objects.filter(branch=branch).count())):
                Staff.objects.create(
                    name=next(names),
                    branch=branch,
                    is_party_member=self.rng.random() < 0.6,
                    birth_year=self.rng.randint(1975, 2001),
                )
            self.staff[code] = list(Staff.objects.filter(branch=branch))

    def ensure_persona_staff(self) -> None:
        """The love-station outlet's staff persona as a staff member there. Made after
        ensure_staff so that the outlet's three demo staff, and every random draw after them,
        stay as they were (the demo figures do not move)."""
        user = self.users["staff_hy"]
        if not Staff.objects.filter(user=user).exists():
            Staff.objects.create(
                name="孙悦", branch=self.branches["WH-HY-01"], user=user, is_party_member=False, birth_year=1997
            )

    # --- records ----------------------------------------------------------------------

    def bulk(self, model, user, rows, m2m_rows=None):
        if rows:
            record_bulk_create(model, user=user, rows=rows, m2m_rows=m2m_rows)

    def _pair(self, code):
        return self.rng.sample(self.staff[code], 2)

    def home_visits(self, code, user, year, n):
        branch, rows, teams = self.branches[code], [], []
        for day in _dates(self.rng, year, n):
            group = self.rng.choices(list(HomeVisit.CustomerGroup.values), weights=[70, 15, 12, 3])[0]
            rows.append(
                dict(
                    branch=branch,
                    occurred_on=day,
                    customer_group=group,
                    customer_name_masked=self.rng.choice(SURNAMES) + "**",
                    customer_age_band=self.rng.choice(["70_79", "80_plus", "60_69"]),
                    purpose=self.rng.choice(list(HomeVisit.Purpose.values)),
                    duration_minutes=self.rng.randint(30, 120),
                    recording_ref=f"REC-{code}-{day:%Y%m%d}-{len(rows) + 1:03d}",
                    follow_up_done_on=day + datetime.timedelta(days=self.rng.randint(1, 3))
                    if day + datetime.timedelta(days=3) < self.today
                    else None,
                )
            )
            teams.append({"staff": self._pair(code)})
        self.bulk(HomeVisit, user, rows, teams)

    def outreach(self, code, user, year, n):
        branch = self.branches[code]
        rows = [
            dict(
                branch=branch,
                occurred_on=day,
                venue_type=self.rng.choice(list(OutreachEvent.VenueType.values)),
                theme=self.rng.choices(list(OutreachEvent.Theme.values), weights=[40, 20, 25, 10, 5])[0],
                place=self.rng.choice(
                    ["智苑社区", "光谷软件园", "关山街道", "佛祖岭社区", "东湖高新区管委会", "光谷步行街"]
                ),
                attendees=self.rng.randint(15, 120),
            )
            for day in _dates(self.rng, year, n)
        ]
        self.bulk(OutreachEvent, user, rows)

    def financing(self, code, user, *, sector, products, enterprises, records, total, years):
        """`records` loans to exactly `enterprises` distinct enterprises, adding up to `total`."""
        branch = self.branches[code]
        names = [_enterprise(self.rng, self.enterprise_names) for _ in range(enterprises)]
        borrowers = names + [self.rng.choice(names) for _ in range(records - enterprises)]
        self.rng.shuffle(borrowers)
        amounts = _split_amount(self.rng, total, records)
        rows = []
        for name, amount in zip(borrowers, amounts, strict=True):
            year = self.rng.choice(years)
            rows.append(
                dict(
                    branch=branch,
                    occurred_on=_dates(self.rng, year, 1)[0],
                    sector=sector,
                    product=self.rng.choice(products),
                    counterparty=name,
                    amount=amount,
                )
            )
        self.bulk(Financing, user, rows)
        return rows

    def love_station(self, code, user, year):
        branch, rows = self.branches[code], []
        day = datetime.date(year, 1, 1)
        services = list(LoveStationTally.Service.values)
        while day.year == year and day <= self.today:
            busy = 1.4 if day.month in (7, 8, 12, 1) else 1.0  # heat and cold bring more visitors
            for group in LoveStationTally.VisitorGroup.values:
                for service in self.rng.sample(services, 2):
                    if service == "knowledge" and year < 2025:
                        continue
                    count = int(self.rng.randint(0, 4) * busy)
                    if count:
                        rows.append(
                            dict(branch=branch, occurred_on=day, visitor_group=group, service=service, count=count)
                        )
            day += datetime.timedelta(days=1)
        self.bulk(LoveStationTally, user, rows)

    def volunteer(self, code, user, year, n, person_times):
        branch = self.branches[code]
        participants = _counts_summing(self.rng, person_times, n, 6, 20)
        rows = [
            dict(
                branch=branch,
                occurred_on=day,
                theme=self.rng.choice(list(VolunteerActivity.Theme.values)),
                place=self.rng.choice(["百步亭社区", "幸福时代广场", "百步亭花园", "安居苑"]),
                participants=p,
                beneficiaries=p * self.rng.randint(3, 10),
                hours=Decimal(p * self.rng.choice([2, 3, 4])),
            )
            for day, p in zip(_dates(self.rng, year, n), participants, strict=True)
        ]
        self.bulk(VolunteerActivity, user, rows)

    def awareness(self, code, user, year, n, partner_weights=(3, 4, 2, 1)):
        branch = self.branches[code]
        rows = [
            dict(
                branch=branch,
                occurred_on=day,
                venue_type=self.rng.choice(list(AwarenessSession.VenueType.values)),
                partner=self.rng.choices(list(AwarenessSession.Partner.values), weights=partner_weights)[0],
                place=self.rng.choice(["社区活动中心", "网点大堂", "小学礼堂", "企业食堂"]),
                audience=self.rng.randint(20, 200),
            )
            for day in _dates(self.rng, year, n)
        ]
        self.bulk(AwarenessSession, user, rows)

    def teams(self, code, user):
        branch, rows = self.branches[code], []
        for kind, count in (
            (Team.Kind.PARTY_MODEL_POST, 23),
            (Team.Kind.PARTY_COMMANDO, 4),
            (Team.Kind.YOUTH_VANGUARD, 15),
        ):
            for i in range(count):
                rows.append(
                    dict(
                        branch=branch,
                        kind=kind,
                        name=f"{Team.Kind(kind).label}{i + 1:02d}",
                        occurred_on=datetime.date(self.rng.randint(2019, 2025), self.rng.randint(1, 6), 1),
                        members=self.rng.randint(3, 12),
                    )
                )
        # Two teams that no longer exist: they must not count at the end of 2025.
        rows.append(
            dict(
                branch=branch,
                kind=Team.Kind.YOUTH_VANGUARD,
                name="青年先锋队(已撤销)",
                occurred_on=datetime.date(2020, 3, 1),
                disbanded_on=datetime.date(2024, 6, 30),
                members=5,
            )
        )
        rows.append(
            dict(
                branch=branch,
                kind=Team.Kind.PARTY_COMMANDO,
                name="党员突击队(已撤销)",
                occurred_on=datetime.date(2021, 3, 1),
                disbanded_on=datetime.date(2023, 12, 31),
                members=6,
            )
        )
        self.bulk(Team, user, rows)

    def honours(self, code, user, kind, level, n, year, title, issuer):
        branch = self.branches[code]
        rows = [
            dict(branch=branch, occurred_on=day, kind=kind, level=level, title=title, issuer=issuer)
            for day in _dates(self.rng, year, n)
        ]
        self.bulk(Honour, user, rows)

    def cash(self, code, user, year, n):
        branch = self.branches[code]
        rows = []
        for day in _dates(self.rng, year, n):
            if day == datetime.date(2025, 12, 8):
                continue  # that day's school record is the article's, entered on its own
            pieces = self.rng.randint(200, 1500)
            rows.append(
                dict(
                    branch=branch,
                    occurred_on=day,
                    service=self.rng.choice(list(CashService.Service.values)),
                    customer_type=self.rng.choice(["merchant", "individual", "institution"]),
                    customer_description=self.rng.choice(["个体商户", "社区超市", "街道办事处", "菜市场商户"]),
                    pieces_counted=pieces,
                    amount=Decimal(pieces) * Decimal("0.5"),
                    staff_hours=Decimal("1.5"),
                )
            )
        self.bulk(CashService, user, rows)

    # --- the article's stories, entered one by one through the services --------------

    def article_cases(self):
        qk01, staff_qk = self.branches["WH-QK-01"], self.users["staff_qk"]
        case = intervention_create(
            user=staff_qk,
            branch=qk01,
            occurred_on=datetime.date(2025, 8, 14),
            occurred_time=datetime.time(10, 20),
            channel=Intervention.Channel.COUNTER_CASH,
            fraud_type=Intervention.FraudType.HIGH_YIELD,
            customer_name_masked="张**",
            customer_age_band="60_69",
            amount_at_risk=Decimal("200000.00"),
            staff=self.staff["WH-QK-01"][:2],
            status=Intervention.Status.POLICE_NOTIFIED,
            notes="客户要求提取大额现金，情绪焦虑、回避询问；疑似“高息理财”“虚假投资”类诈骗，联动民警劝阻，客户放弃取款。",
        )
        from antifraud.services import intervention_transition

        case = intervention_transition(
            case,
            user=staff_qk,
            status=Intervention.Status.POLICE_ATTENDED,
            police_unit="武汉市公安局硚口区分局反诈民警",
        )
        honour_create(
            user=self.users["manager_qk"],
            branch=qk01,
            occurred_on=datetime.date(2025, 9, 3),
            kind=Honour.Kind.COMMENDATION_LETTER,
            level=Honour.Level.CITY,
            title="反诈工作表扬信",
            issuer="武汉市打击治理电信网络诈骗工作协调机制办公室",
            linked_record=case,
        )
        bbt, manager_bbt = self.branches["WH-BBT"], self.users["manager_bbt"]
        for title, level, issuer, day, extra in (
            ("先进基层党组织", Honour.Level.BANK_PROVINCIAL, "中国工商银行湖北省分行", datetime.date(2025, 6, 28), {}),
            (
                "二星级总行级青年文明号",
                Honour.Level.BANK_HEAD_OFFICE,
                "中国工商银行",
                datetime.date(2025, 5, 4),
                {"star_level": 2, "valid_until": datetime.date(2027, 5, 3)},
            ),
            ("“薪火相传、志愿接力”助老志愿服务队", Honour.Level.COMMUNITY, "百步亭社区", datetime.date(2025, 3, 5), {}),
        ):
            honour_create(
                user=manager_bbt,
                branch=bbt,
                occurred_on=day,
                kind=Honour.Kind.TITLE,
                level=level,
                title=title,
                issuer=issuer,
                **extra,
            )
        cash_service_create(
            user=self.users["admin"],
            branch=self.branches["WH-SGH-01"],
            occurred_on=datetime.date(2025, 12, 8),
            service=CashService.Service.COIN_COUNTING,
            customer_type=CashService.CustomerType.SCHOOL,
            customer_description="武汉某小学（跳蚤市场零钱）",
            pieces_counted=3860,
            amount=Decimal("1472.50"),
            staff_hours=Decimal("4.0"),
            notes="硬币用胶带缠绕，开辟绿色通道，专项小组数小时完成清点入账。",
        )

    def records(self):
        admin, staff_qk, manager_bbt = self.users["admin"], self.users["staff_qk"], self.users["manager_bbt"]
        # WH-FTZ: 467 outreach events and 83 home visits in 2025; teams; financing.
        self.outreach("WH-FTZ", admin, 2025, 467)
        self.home_visits("WH-FTZ", admin, 2025, 83)
        self.teams("WH-FTZ", admin)
        self.financing(
            "WH-FTZ",
            admin,
            sector=Financing.Sector.TECH,
            products=["kc_yunshandai", "other"],
            enterprises=388,
            records=452,
            total=Decimal("5126000000.00"),
            years=[2021, 2022, 2023, 2024, 2025],
        )
        self.financing(
            "WH-FTZ",
            admin,
            sector=Financing.Sector.INCLUSIVE,
            products=["kc_edanbao", "knowledge_credit", "specialised"],
            enterprises=173,
            records=181,
            total=Decimal("1126500000.00"),
            years=[2025],
        )
        record_bulk_create(
            Financing,
            user=admin,
            rows=[
                dict(
                    branch=self.branches["WH-FTZ"],
                    occurred_on=datetime.date(2025, 11, 20),
                    sector=Financing.Sector.PENSION,
                    product=Financing.Product.ANNUITY_TRUSTEE,
                    counterparty="区级及以上非编人员企业年金计划",
                    entities_covered=73,
                    amount=Decimal("0.00"),
                    notes="系统首单区级及以上非编人员企业年金受托业务，覆盖机关、街道、教育、卫生等73家事业单位；受托业务，不计融资金额。",
                )
            ],
        )
        self.financing(
            "WH-FTZ",
            admin,
            sector=Financing.Sector.GREEN,
            products=["green_loan"],
            enterprises=12,
            records=14,
            total=Decimal("386000000.00"),
            years=[2024, 2025],
        )
        # WH-QK-01: 56 home visits, 32 praise tickets, pennants, awareness sessions.
        for year, n in ((2024, 52), (2025, 56), (2026, 47)):
            self.home_visits("WH-QK-01", staff_qk, year, n)
        self.honours(
            "WH-QK-01",
            staff_qk,
            Honour.Kind.PRAISE_TICKET,
            Honour.Level.CUSTOMER,
            32,
            2025,
            "客户表扬工单",
            "95588客户服务中心",
        )
        self.honours("WH-QK-01", staff_qk, Honour.Kind.PENNANT, Honour.Level.CUSTOMER, 4, 2025, "客户赠送锦旗", "客户")
        self.awareness("WH-QK-01", staff_qk, 2025, 26)
        # WH-BBT: 212 home visits, 520 volunteer person-times, police-bank awareness sessions.
        for year, n in ((2024, 196), (2025, 212), (2026, 180)):
            self.home_visits("WH-BBT", manager_bbt, year, n)
        self.volunteer("WH-BBT", manager_bbt, 2025, 42, 520)
        self.volunteer("WH-BBT", manager_bbt, 2024, 35, 430)
        self.awareness("WH-BBT", manager_bbt, 2025, 18, partner_weights=(1, 6, 2, 1))
        # WH-XBH: 190 small enterprises, 4 亿元 of inclusive loans in 2025 (the builder's 1,600 万 among them).
        rows = self.financing(
            "WH-XBH",
            admin,
            sector=Financing.Sector.INCLUSIVE,
            products=["inclusive_credit"],
            enterprises=189,
            records=189,
            total=Decimal("383500000.00"),
            years=[2025],
        )
        assert len(rows) == 189
        record_bulk_create(
            Financing,
            user=admin,
            rows=[
                dict(
                    branch=self.branches["WH-XBH"],
                    occurred_on=datetime.date(2025, 10, 15),
                    sector=Financing.Sector.INCLUSIVE,
                    product=Financing.Product.INCLUSIVE_CREDIT,
                    counterparty="武汉某建筑集团有限公司",
                    amount=Decimal("16500000.00"),
                    notes="为企业及下属子公司提供信用类融资支持，一站式综合金融服务方案。",
                )
            ],
        )
        # WH-SGH-01: cash services, the school's coins on 2025-12-08 among them.
        self.cash("WH-SGH-01", admin, 2025, 30)
        # WH-HY-01: the love station, every day.
        for year in (2024, 2025, 2026):
            self.love_station("WH-HY-01", admin, year)
        # Illustrative years before and after the article, for year-on-year comparisons.
        self.outreach("WH-FTZ", admin, 2024, 402)
        self.outreach("WH-FTZ", admin, 2026, 388)
        self.home_visits("WH-FTZ", admin, 2024, 71)
        self.home_visits("WH-FTZ", admin, 2026, 64)
        self.article_cases()
        for kind in record_kinds():  # kinds that keep their demo data in their own app
            if kind.demo is not None:
                kind.demo(self)

    def targets(self):
        analyst = self.users["analyst_wh"]
        for code, metric, value in (
            ("WH-FTZ", "outreach_events", 450),
            ("WH-FTZ", "home_visits", 80),
            ("WH-QK-01", "home_visits", 50),
            ("WH-BBT", "home_visits", 200),
            ("WH-BBT", "volunteer_person_times", 500),
            ("WH-XBH", "financing_amount_cny", 400000000),
            ("WH", "home_visits", 400),
        ):
            for year in (2025, 2026):
                target_set(user=analyst, branch=self.branches[code], year=year, metric=metric, value=Decimal(value))

    def submissions(self):
        """January to October 2025 approved for WH's children; later months in every state."""
        admin, analyst = self.users["admin"], self.users["analyst_wh"]
        submitter = {"WH-QK": self.users["manager_qk"], "WH-BBT": self.users["manager_bbt"]}
        for code in ("WH-FTZ", "WH-QK", "WH-BBT", "WH-XBH", "WH-SGH", "WH-HY"):
            for month in range(1, 11):
                sub = submission_submit(
                    user=submitter.get(code, admin), branch=self.branches[code], month=datetime.date(2025, month, 1)
                )
                submission_approve(sub, user=analyst)
        for code, nil in (("WH-FTZ", False), ("WH-QK", False), ("WH-XBH", True)):
            submission_submit(
                user=submitter.get(code, admin),
                branch=self.branches[code],
                month=datetime.date(2025, 11, 1),
                nil_return=nil,
            )
        # Submissions filed at the time, some of them late.
        Submission.objects.filter(month=datetime.date(2025, 11, 1)).update(
            submitted_at=timezone.make_aware(datetime.datetime(2025, 12, 5, 16, 0))
        )
        Submission.objects.filter(month__lte=datetime.date(2025, 10, 1)).update(
            submitted_at=timezone.make_aware(datetime.datetime(2025, 11, 3, 10, 0))
        )
        Submission.objects.filter(branch=self.branches["WH-XBH"], month=datetime.date(2025, 11, 1)).update(
            submitted_at=timezone.make_aware(datetime.datetime(2025, 12, 15, 9, 0))
        )


@transaction.atomic
def load_demo(stdout=None) -> bool:
    """Build the demo network and records; returns False when they were already there."""
    loader = DemoLoader()
    admin = loader.ensure_users()
    loader.ensure_network(admin)
    loader.ensure_personas()
    loader.ensure_staff()
    loader.ensure_persona_staff()
    if AuditEntry.objects.filter(action=AuditEntry.Action.DEMO_LOAD).exists():
        return False
    loader.records()
    loader.targets()
    loader.submissions()
    audit(user=admin, action=AuditEntry.Action.DEMO_LOAD, reason="load_demo")
    return True
