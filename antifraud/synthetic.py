"""Rows of this app's kinds for the national-scale synthetic network (demo/synthetic.py):
plausible values, drawn from the generator's random source, outlets and days."""


def interventions(gen, n):
    r = gen.rng
    for b, d in zip(gen.pick_branches(n), gen.pick_days(n), strict=True):
        status = r.choices(["suspected", "police_attended", "confirmed", "customer_proceeded"], [10, 30, 50, 10])[0]
        at_risk = r.randint(1, 500) * 1000
        yield gen.base(b, d) | {
            "occurred_time": None,
            "channel": r.choice(["counter_cash", "transfer", "atm", "online"]),
            "fraud_type": r.choice(
                [
                    "high_yield",
                    "fake_investment",
                    "impersonate_police",
                    "click_farming",
                    "online_loan",
                    "impersonate_service",
                    "romance",
                    "other",
                ]
            ),
            "customer_name_masked": "",
            "customer_age_band": "",
            "amount_at_risk": f"{at_risk:.2f}",
            "status": status,
            "police_unit": "派出所" if status in ("police_attended", "confirmed") else "",
            "amount_protected": f"{at_risk:.2f}" if status == "confirmed" else None,
        }


def awareness_sessions(gen, n):
    r = gen.rng
    for b, d in zip(gen.pick_branches(n), gen.pick_days(n), strict=True):
        yield gen.base(b, d) | {
            "venue_type": r.choice(["community", "school", "enterprise", "outlet", "market", "other"]),
            "place": "",
            "audience": r.randint(10, 300),
            "partner": r.choice(["none", "police", "community", "school"]),
        }
