"""Rows of this app's kinds for the national-scale synthetic network (demo/synthetic.py):
plausible values, drawn from the generator's random source, outlets and days."""

import datetime

from django.utils import timezone

from partnerships.models import Partnership

PARTNERS = {
    "community": ["社区", "街道"],
    "enterprise": ["科技公司", "制造公司"],
    "school": ["小学", "中学"],
    "government": ["区税务局", "街道办事处"],
    "other": ["志愿者协会"],
}


def partnerships(gen, n):
    r = gen.rng
    today = timezone.localdate()
    for b, d in zip(gen.pick_branches(n), gen.pick_days(n), strict=True):
        ended = d + datetime.timedelta(days=r.randint(180, 900)) if r.random() < 0.2 else None
        if ended and ended > today:
            ended = None
        kind = r.choices(list(PARTNERS), [50, 20, 15, 10, 5])[0]
        yield gen.base(b, d) | {
            "partner_name": f"{b.code}{r.choice(PARTNERS[kind])}",
            "partner_type": kind,
            "agreement_ref": "",
            "ended_on": ended.isoformat() if ended else None,
        }


def partnership_activities(gen, n):
    """Activities of the partnerships of the network's outlets (loaded before them), each at its
    partnership's branch and within its dates."""
    r = gen.rng
    today = timezone.localdate()
    ids = [b.pk for b in gen.outlets]
    held = []
    for start in range(0, len(ids), 500):  # the network's outlets, a bounded IN list at a time
        chunk = Partnership.objects.filter(branch_id__in=ids[start : start + 500])
        held += chunk.values_list("pk", "branch_id", "occurred_on", "ended_on").order_by("pk")
    if not held:
        return
    for pk, branch_id, start, ended in r.choices(held, k=n):
        last = ended or today
        day = start + datetime.timedelta(days=r.randint(0, max(0, (last - start).days)))
        yield gen.base(_Branch(branch_id), day) | {
            "partnership_id": pk,
            "activity_type": r.choices(
                ["party_building", "care_visit", "joint_volunteering", "scene_building", "other"], [30, 25, 30, 5, 10]
            )[0],
            "people_reached": r.randint(5, 300),
        }


class _Branch:
    """What generator.base() reads of a branch: its id."""

    def __init__(self, pk):
        self.pk = pk
