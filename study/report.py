"""The highlights report's 思想教育 paragraph: a branch's study and education, from the figures."""

from study.models import StudySession


def write(writer, branch) -> list:
    """ "2025年，武汉自贸分行组织学习教育活动7次，参与员工145人次（3人），累计学习356.0小时；
    其中红色教育（参观场馆）2次、清廉读书会2次……。" Nothing when the branch's own records hold none."""
    b = branch
    if not writer.has(b, "study_sessions"):
        return []
    clause = ["组织学习教育活动", writer.fig(b, "study_sessions", unit="次")]
    clause += ["，参与员工", writer.fig(b, "study_person_times", unit="人次")]
    if writer.book.value(b, "study_people"):
        clause += ["（", writer.fig(b, "study_people", unit="人"), "）"]
    if writer.book.value(b, "study_hours"):
        clause += ["，累计学习", writer.fig(b, "study_hours", unit="小时")]
    clauses = [clause]
    types = []
    for value, label in StudySession.SessionType.choices:
        split = f"session_type:{value}"
        if writer.has(b, "study_sessions", split):
            types += ["、" if types else "其中", str(label), writer.fig(b, "study_sessions", split, unit="次")]
    if types:
        clauses.append(types)
    return writer.sentence(b, clauses)
