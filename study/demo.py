"""The study and education sessions of the article's free-trade-zone branch (WH-FTZ), 2025.

The article names four: visits to revolutionary sites, a clean-governance reading club, warning
education at a court hearing, and the party-education afternoon at 智苑社区. The figures of
each (people, hours, dates) and the three further sessions are illustrative (README, "Demo
figures")."""

import datetime
from decimal import Decimal

from study.models import StudySession

T = StudySession.SessionType

# (date, type, title, place, organiser, person-times, total hours, from the article)
SESSIONS = (
    (
        datetime.date(2025, 3, 18),
        T.RED_EDUCATION,
        "参观武汉革命博物馆",
        "武汉革命博物馆",
        "自贸分行党委",
        24,
        "72.0",
        True,
    ),
    (
        datetime.date(2025, 4, 23),
        T.CLEAN_READING,
        "清廉读书会：读党纪学习教育读本",
        "自贸分行党员活动室",
        "自贸分行纪委",
        18,
        "36.0",
        True,
    ),
    (
        datetime.date(2025, 5, 27),
        T.WARNING_EDUCATION,
        "旁听职务犯罪案件庭审警示教育",
        "东湖新技术开发区人民法院",
        "自贸分行纪委",
        20,
        "60.0",
        True,
    ),
    (
        datetime.date(2025, 6, 24),
        T.PARTY_LECTURE,
        "聆听“从棚户旧居到温暖新家园”蝶变故事",
        "智苑社区",
        "智苑社区党委",
        16,
        "32.0",
        True,
    ),
    (
        datetime.date(2025, 7, 1),
        T.RED_EDUCATION,
        "参观中共五大会址纪念馆",
        "中共五大会址纪念馆",
        "自贸分行党委",
        22,
        "66.0",
        False,
    ),
    (
        datetime.date(2025, 9, 17),
        T.CLEAN_READING,
        "清廉读书会：廉洁文化经典诵读",
        "自贸分行党员活动室",
        "自贸分行纪委",
        15,
        "30.0",
        False,
    ),
    (
        datetime.date(2025, 11, 12),
        T.THEORY,
        "学习党的二十届四中全会精神",
        "自贸分行会议室",
        "自贸分行党委",
        30,
        "60.0",
        False,
    ),
)


def load(loader) -> None:
    branch, staff = loader.branches["WH-FTZ"], loader.staff["WH-FTZ"]
    rows, participants = [], []
    for i, (day, kind, title, place, organiser, person_times, hours, _article) in enumerate(SESSIONS):
        rows.append(
            dict(
                branch=branch,
                occurred_on=day,
                session_type=kind,
                title=title,
                place=place,
                organiser=organiser,
                person_times=person_times,
                hours=Decimal(hours),
            )
        )
        # Every session names some of the branch's staff: all of them every other time.
        participants.append({"participants": staff if i % 2 == 0 else staff[:2]})
    loader.bulk(StudySession, loader.users["admin"], rows, participants)
