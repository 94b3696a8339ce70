"""The three evaluation schemes with illustrative items: 文明规范服务网点, 文明单位, 青年文明号.

The real item lists are the issuing bodies' documents; these are plausible examples (every
scheme is marked illustrative) that an administrator adjusts in the admin: codes, titles,
points and the record kinds / metrics / split each item draws its evidence from. Seeding is
idempotent: existing schemes and items are left as they are, and items added here later are
created in existing schemes by a data migration calling seed_schemes (0003: the study and
co-building items of issue 17, which bring 文明单位 to 100 points).
"""

from decimal import Decimal

SCHEMES = [
    (
        "civilized-outlet",
        "文明规范服务网点",
        "银行业文明规范服务网点评价（示例指标）",
        [
            ("CS-01", "适老化服务与上门服务", 10, ["home-visits"], ["home_visits"], "", "上门服务记录、服务照片"),
            (
                "CS-02",
                "走出网点开展金融知识宣传",
                10,
                ["outreach-events"],
                ["outreach_events", "outreach_attendees"],
                "",
                "活动记录、现场照片",
            ),
            (
                "CS-03",
                "反诈拦截与风险防控",
                15,
                ["interventions"],
                ["antifraud_interventions", "antifraud_funds_protected_cny"],
                "",
                "拦截案例、公安机关反馈",
            ),
            (
                "CS-04",
                "反诈宣传教育",
                10,
                ["awareness-sessions"],
                ["antifraud_sessions", "antifraud_audience"],
                "",
                "宣传活动记录、照片",
            ),
            (
                "CS-05",
                "现金服务与零钞兑换",
                10,
                ["cash-services"],
                ["cash_services", "cash_pieces_counted"],
                "",
                "现金服务登记",
            ),
            (
                "CS-06",
                "爱心驿站便民服务",
                10,
                ["love-station-tallies"],
                ["love_station_visits"],
                "",
                "驿站服务台账、设施照片",
            ),
            ("CS-07", "客户表扬与社会评价", 10, ["honours"], ["honours"], "kind:praise_ticket", "表扬工单、锦旗"),
            ("CS-08", "消费者权益保护与投诉处理", 15, [], [], "", "投诉处理台账（台账系统暂未记录，需另行提供）"),
        ],
    ),
    (
        "civilized-unit",
        "文明单位",
        "文明单位创建测评（示例指标）",
        [
            ("WU-01", "党建引领与队伍建设", 15, ["teams"], ["teams_active"], "", "党员示范岗、突击队、先锋队名册"),
            (
                "WU-02",
                "志愿服务常态化",
                15,
                ["volunteer-activities"],
                ["volunteer_activities", "volunteer_person_times", "volunteer_hours"],
                "",
                "志愿活动记录、照片",
            ),
            (
                "WU-03",
                "学雷锋志愿服务",
                5,
                ["volunteer-activities"],
                ["volunteer_activities"],
                "theme:lei_feng",
                "学雷锋活动记录",
            ),
            (
                "WU-04",
                "服务实体经济（金融“五篇大文章”）",
                20,
                ["financing"],
                ["financing_amount_cny", "financing_enterprises"],
                "",
                "融资业务清单",
            ),
            (
                "WU-05",
                "普惠金融",
                10,
                ["financing"],
                ["financing_amount_cny", "financing_enterprises"],
                "sector:inclusive",
                "普惠贷款清单",
            ),
            (
                "WU-06",
                "金融知识普及与反诈宣传",
                10,
                ["awareness-sessions", "outreach-events"],
                ["antifraud_sessions", "outreach_events"],
                "",
                "宣传活动记录",
            ),
            ("WU-07", "荣誉与社会评价", 10, ["honours"], ["honours"], "", "荣誉证书、表扬信"),
            (
                "WU-08",
                "理论学习与思想教育",
                10,
                ["study-sessions"],
                ["study_sessions", "study_person_times", "study_hours"],
                "",
                "学习教育活动记录（理论学习、红色教育、警示教育等）、现场照片",
            ),
            (
                "WU-09",
                "文明共建与结对帮扶",
                5,
                ["partnerships", "partnership-activities"],
                ["partnerships_active", "partnership_activities", "partnership_people_reached"],
                "",
                "共建协议、共建活动记录、活动照片",
            ),
        ],
    ),
    (
        "youth-civilization",
        "青年文明号",
        "青年文明号创建与复核（两年一周期，示例指标）",
        [
            ("QN-01", "青年先锋队建设", 15, ["teams"], ["teams_active"], "kind:youth_vanguard", "青年先锋队名册"),
            ("QN-02", "青年志愿服务", 15, ["volunteer-activities"], ["volunteer_person_times"], "", "志愿服务记录"),
            ("QN-03", "优质服务与客户表扬", 15, ["honours"], ["honours"], "kind:praise_ticket", "表扬工单"),
            (
                "QN-04",
                "适老化服务",
                10,
                ["home-visits"],
                ["home_visits"],
                "customer_group:elderly",
                "老年客户上门服务记录",
            ),
            ("QN-05", "青年创新创效成果", 10, [], [], "", "创新成果材料（台账系统暂未记录，需另行提供）"),
            ("QN-06", "荣誉称号", 10, ["honours"], ["honours"], "kind:title", "荣誉称号证书"),
            (
                "QN-07",
                "青年理论学习与红色教育",
                10,
                ["study-sessions"],
                ["study_sessions", "study_person_times", "study_people"],
                "",
                "青年学习教育活动记录、现场照片",
            ),
        ],
    ),
]


def seed_schemes(Scheme, Item, only: dict[str, list[str]] | None = None) -> int:
    """Create the schemes and items that do not exist yet; returns how many items were created.
    `only` ({scheme code: [item codes]}) adds just those items, to schemes that exist."""
    created_items = 0
    for position, (code, name, description, items) in enumerate(SCHEMES):
        if only is not None:
            scheme = Scheme.objects.filter(code=code).first() if code in only else None
            if scheme is None:  # not asked for, or removed by an administrator
                continue
        else:
            scheme, _created = Scheme.objects.get_or_create(
                code=code,
                defaults={"name": name, "description": description, "illustrative": True, "position": position},
            )
        for index, (item_code, title, points, kinds, metrics, split, guidance) in enumerate(items):
            if only is not None and item_code not in only[code]:
                continue
            _item, created = Item.objects.get_or_create(
                scheme=scheme,
                code=item_code,
                defaults={
                    "title": title,
                    "points": Decimal(points),
                    "kinds": kinds,
                    "metrics": metrics,
                    "split": split,
                    "guidance": guidance,
                    "position": index,
                },
            )
            created_items += created
    return created_items
