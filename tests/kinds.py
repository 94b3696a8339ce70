"""Every record kind with a valid edit, so tests can sweep them all."""

from dataclasses import dataclass

from core.kinds import RecordKind, record_kinds

EDITS = {
    "home-visits": ("home_visit", {"customer_group": "disabled"}),
    "outreach-events": ("outreach_event", {"attendees": 55}),
    "financing": ("financing", {"sector": "inclusive"}),
    "love-station-tallies": ("love_station_tally", {"count": 9}),
    "cash-services": ("cash_service", {"pieces_counted": 1500}),
    "interventions": ("intervention", {"fraud_type": "fake_investment"}),
    "awareness-sessions": ("awareness_session", {"audience": 120}),
    "volunteer-activities": ("volunteer_activity", {"participants": 12}),
    "teams": ("team", {"kind": "party_commando"}),
    "honours": ("honour", {"kind": "praise_ticket"}),
}


@dataclass(frozen=True)
class Kind:
    name: str  # the key of tests.conftest.record_data
    kind: RecordKind
    edit: dict

    @property
    def model(self):
        return self.kind.model

    @property
    def create(self):
        return self.kind.create

    @property
    def update(self):
        return self.kind.update

    @property
    def delete(self):
        return self.kind.delete


KINDS = [Kind(EDITS[k.slug][0], k, EDITS[k.slug][1]) for k in record_kinds()]
KIND_IDS = [k.name for k in KINDS]
