"""Rows of this app's kinds for the national-scale synthetic network (demo/synthetic.py):
plausible values, drawn from the generator's random source, outlets and days."""

import datetime

from django.utils import timezone


def volunteer_activities(gen, n):
    r = gen.rng
    for b, d in zip(gen.pick_branches(n), gen.pick_days(n), strict=True):
        p = r.randint(2, 30)
        yield gen.base(b, d) | {
            "theme": r.choice(["lei_feng", "left_behind_children", "elderly", "community", "environment", "other"]),
            "place": "",
            "participants": p,
            "beneficiaries": p * r.randint(1, 10),
            "hours": f"{p * r.choice([2, 3, 4]):.1f}",
        }


def teams(gen, n):
    r = gen.rng
    for b, d in zip(gen.pick_branches(n), gen.pick_days(n), strict=True):
        disbanded = d + datetime.timedelta(days=r.randint(200, 900)) if r.random() < 0.15 else None
        if disbanded and disbanded > timezone.localdate():
            disbanded = None
        yield gen.base(b, d) | {
            "kind": r.choice(["party_model_post", "party_commando", "youth_vanguard", "volunteer_team"]),
            "name": "队伍",
            "members": r.randint(3, 20),
            "disbanded_on": disbanded.isoformat() if disbanded else None,
        }
