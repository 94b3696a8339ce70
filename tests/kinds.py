"""Every record kind with its service functions, so tests can sweep them all."""

from dataclasses import dataclass

from antifraud import services as antifraud_services
from antifraud.models import AwarenessSession, Intervention
from branches import services as branch_services
from branches.models import Honour
from services import services as service_services
from services.models import CashService, Financing, HomeVisit, LoveStationTally, OutreachEvent
from volunteering import services as volunteering_services
from volunteering.models import Team, VolunteerActivity


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    create: object
    update: object
    delete: object
    edit: dict  # a valid change


KINDS = [
    Kind(
        "home_visit",
        HomeVisit,
        service_services.home_visit_create,
        service_services.home_visit_update,
        service_services.home_visit_delete,
        {"customer_group": "disabled"},
    ),
    Kind(
        "outreach_event",
        OutreachEvent,
        service_services.outreach_event_create,
        service_services.outreach_event_update,
        service_services.outreach_event_delete,
        {"attendees": 55},
    ),
    Kind(
        "financing",
        Financing,
        service_services.financing_create,
        service_services.financing_update,
        service_services.financing_delete,
        {"sector": "inclusive"},
    ),
    Kind(
        "love_station_tally",
        LoveStationTally,
        service_services.love_station_tally_create,
        service_services.love_station_tally_update,
        service_services.love_station_tally_delete,
        {"count": 9},
    ),
    Kind(
        "cash_service",
        CashService,
        service_services.cash_service_create,
        service_services.cash_service_update,
        service_services.cash_service_delete,
        {"pieces_counted": 1500},
    ),
    Kind(
        "intervention",
        Intervention,
        antifraud_services.intervention_create,
        antifraud_services.intervention_update,
        antifraud_services.intervention_delete,
        {"fraud_type": "fake_investment"},
    ),
    Kind(
        "awareness_session",
        AwarenessSession,
        antifraud_services.awareness_session_create,
        antifraud_services.awareness_session_update,
        antifraud_services.awareness_session_delete,
        {"audience": 120},
    ),
    Kind(
        "volunteer_activity",
        VolunteerActivity,
        volunteering_services.volunteer_activity_create,
        volunteering_services.volunteer_activity_update,
        volunteering_services.volunteer_activity_delete,
        {"participants": 12},
    ),
    Kind(
        "team",
        Team,
        volunteering_services.team_create,
        volunteering_services.team_update,
        volunteering_services.team_delete,
        {"kind": "party_commando"},
    ),
    Kind(
        "honour",
        Honour,
        branch_services.honour_create,
        branch_services.honour_update,
        branch_services.honour_delete,
        {"kind": "praise_ticket"},
    ),
]
KIND_IDS = [k.name for k in KINDS]
