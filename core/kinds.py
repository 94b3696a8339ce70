"""The record kinds, each with its URL/API resource name, FilterSet and service functions.

One explicit list read by the entry pages, the API, imports and exports, so that adding a
kind is one entry here (plus its model, services and FilterSet), not a hunt through the code.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class RecordKind:
    slug: str  # URL and API resource name: /services/home-visits/, /api/v1/home-visits/
    app: str  # URL namespace of the entry pages
    model: type
    filterset: type
    create: Callable
    update: Callable
    delete: Callable

    @property
    def m2m(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.model._meta.many_to_many)

    @property
    def label(self):
        return self.model._meta.verbose_name

    @property
    def label_plural(self):
        return self.model._meta.verbose_name_plural

    def url(self, action: str = "list", pk=None) -> str:
        return reverse(f"{self.app}:{self.slug}-{action}", args=[pk] if pk is not None else [])


def _build() -> list[RecordKind]:
    from antifraud import services as af
    from antifraud.filtersets import AwarenessSessionFilterSet, InterventionFilterSet
    from antifraud.models import AwarenessSession, Intervention
    from honours import services as br
    from honours.filtersets import HonourFilterSet
    from honours.models import Honour
    from services import services as sv
    from services.filtersets import (
        CashServiceFilterSet,
        FinancingFilterSet,
        HomeVisitFilterSet,
        LoveStationTallyFilterSet,
        OutreachEventFilterSet,
    )
    from services.models import CashService, Financing, HomeVisit, LoveStationTally, OutreachEvent
    from volunteering import services as vo
    from volunteering.filtersets import TeamFilterSet, VolunteerActivityFilterSet
    from volunteering.models import Team, VolunteerActivity

    return [
        RecordKind(
            "home-visits",
            "services",
            HomeVisit,
            HomeVisitFilterSet,
            sv.home_visit_create,
            sv.home_visit_update,
            sv.home_visit_delete,
        ),
        RecordKind(
            "outreach-events",
            "services",
            OutreachEvent,
            OutreachEventFilterSet,
            sv.outreach_event_create,
            sv.outreach_event_update,
            sv.outreach_event_delete,
        ),
        RecordKind(
            "financing",
            "services",
            Financing,
            FinancingFilterSet,
            sv.financing_create,
            sv.financing_update,
            sv.financing_delete,
        ),
        RecordKind(
            "love-station-tallies",
            "services",
            LoveStationTally,
            LoveStationTallyFilterSet,
            sv.love_station_tally_create,
            sv.love_station_tally_update,
            sv.love_station_tally_delete,
        ),
        RecordKind(
            "cash-services",
            "services",
            CashService,
            CashServiceFilterSet,
            sv.cash_service_create,
            sv.cash_service_update,
            sv.cash_service_delete,
        ),
        RecordKind(
            "interventions",
            "antifraud",
            Intervention,
            InterventionFilterSet,
            af.intervention_create,
            af.intervention_update,
            af.intervention_delete,
        ),
        RecordKind(
            "awareness-sessions",
            "antifraud",
            AwarenessSession,
            AwarenessSessionFilterSet,
            af.awareness_session_create,
            af.awareness_session_update,
            af.awareness_session_delete,
        ),
        RecordKind(
            "volunteer-activities",
            "volunteering",
            VolunteerActivity,
            VolunteerActivityFilterSet,
            vo.volunteer_activity_create,
            vo.volunteer_activity_update,
            vo.volunteer_activity_delete,
        ),
        RecordKind("teams", "volunteering", Team, TeamFilterSet, vo.team_create, vo.team_update, vo.team_delete),
        RecordKind("honours", "honours", Honour, HonourFilterSet, br.honour_create, br.honour_update, br.honour_delete),
    ]


_KINDS: list[RecordKind] | None = None


def record_kinds() -> list[RecordKind]:
    global _KINDS
    if _KINDS is None:
        _KINDS = _build()
    return _KINDS


def kind_for_model(model) -> RecordKind:
    return next(k for k in record_kinds() if k.model is model or isinstance(model, k.model))


def kind_for_slug(slug: str) -> RecordKind | None:
    return next((k for k in record_kinds() if k.slug == slug), None)
