"""Rows of this app's kinds for the national-scale synthetic network (demo/synthetic.py):
plausible values, drawn from the generator's random source, outlets and days."""


def honours(gen, n):
    r = gen.rng
    for b, d in zip(gen.pick_branches(n), gen.pick_days(n), strict=True):
        yield gen.base(b, d) | {
            "kind": r.choices(["pennant", "commendation_letter", "praise_ticket", "title"], [30, 20, 45, 5])[0],
            "level": r.choice(["customer", "community", "district", "city", "bank_branch"]),
            "title": "荣誉",
            "issuer": "",
            "recipient_staff_id": None,
            "valid_until": None,
            "star_level": None,
            "linked_type_id": None,
            "linked_id": None,
        }
