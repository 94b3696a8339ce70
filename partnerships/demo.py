"""The demo's partnerships (demo/network.py calls `load(loader)` through the registry).

百步亭支行 (WH-BBT) co-builds with 百步亭社区, as the article tells: joint party building, visits
to people in difficulty, joint volunteering and the 幸福家小程序 launched with the community.
The dates, the head counts, the agreement reference and the ended school partnership are
illustrative."""

import datetime

from partnerships.models import Partnership, PartnershipActivity
from partnerships.services import partnership_create

COMMUNITY = "百步亭社区"

# (date, activity type, people reached, notes)
ACTIVITIES_2025 = (
    (datetime.date(2025, 1, 20), "care_visit", 36, "春节前走访慰问社区困难群体。"),
    (datetime.date(2025, 3, 18), "party_building", 45, "支行党支部与社区党委开展党建共联主题党日活动。"),
    (datetime.date(2025, 5, 10), "joint_volunteering", 160, "与社区联合开展志愿服务，为居民普及金融知识。"),
    (datetime.date(2025, 6, 28), "scene_building", 1200, "联合社区上线“百步亭幸福家小程序”，架起“数字云桥”。"),
)


def load(loader) -> None:
    bbt, user = loader.branches["WH-BBT"], loader.users["manager_bbt"]
    if Partnership.objects.filter(branch=bbt, partner_name=COMMUNITY).exists():
        return
    community = partnership_create(
        user=user,
        branch=bbt,
        occurred_on=datetime.date(2021, 3, 1),
        partner_name=COMMUNITY,
        partner_type=Partnership.PartnerType.COMMUNITY,
        agreement_ref="党建共建协议（2021）",
        notes="首批社区金融项目落地网点，与社区联合共建。",
    )
    # Ended before 2025: it must not count among the partnerships in force at the end of 2025.
    partnership_create(
        user=user,
        branch=bbt,
        occurred_on=datetime.date(2022, 9, 1),
        partner_name="百步亭小学",
        partner_type=Partnership.PartnerType.SCHOOL,
        ended_on=datetime.date(2024, 7, 15),
    )
    rows = [
        dict(
            branch=bbt,
            occurred_on=day,
            partnership=community,
            activity_type=kind,
            people_reached=people,
            notes=notes,
        )
        for day, kind, people, notes in ACTIVITIES_2025
    ]
    loader.bulk(PartnershipActivity, user, rows)
