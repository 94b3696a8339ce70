"""Rows of study sessions for the national-scale synthetic network (demo/synthetic.py). The
synthetic network names no participants, so it counts sessions, person-times and hours only."""

TITLES = {
    "theory": "理论学习",
    "red_education": "参观革命场馆",
    "clean_reading": "清廉读书会",
    "warning_education": "旁听庭审警示教育",
    "party_lecture": "专题党课",
    "other": "学习教育活动",
}


def study_sessions(gen, n):
    r = gen.rng
    for b, d in zip(gen.pick_branches(n), gen.pick_days(n), strict=True):
        kind = r.choices(list(TITLES), [35, 15, 15, 10, 20, 5])[0]
        people = r.randint(5, 40)
        yield gen.base(b, d) | {
            "session_type": kind,
            "title": TITLES[kind],
            "place": "",
            "organiser": "",
            "person_times": people,
            "hours": f"{people * r.choice([1, 2, 3]):.1f}",
        }
