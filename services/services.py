"""Writes of the customer-service record kinds. UI, API, admin and import all call these."""

from django.db import transaction

from records.services import record_create, record_delete, record_update
from services.models import CashService, Financing, HomeVisit, LoveStationTally, OutreachEvent


def home_visit_create(*, user, staff=(), **fields) -> HomeVisit:
    return record_create(HomeVisit, user=user, m2m={"staff": list(staff)}, **fields)


def home_visit_update(visit: HomeVisit, *, user, expected_version=None, staff=None, **changes) -> HomeVisit:
    m2m = {"staff": list(staff)} if staff is not None else None
    return record_update(visit, user=user, expected_version=expected_version, m2m=m2m, **changes)


def home_visit_delete(visit: HomeVisit, *, user, expected_version=None) -> None:
    record_delete(visit, user=user, expected_version=expected_version)


def home_visit_follow_up_done(visit: HomeVisit, *, user, done_on, expected_version=None) -> HomeVisit:
    return record_update(visit, user=user, expected_version=expected_version, follow_up_done_on=done_on)


def outreach_event_create(*, user, **fields) -> OutreachEvent:
    return record_create(OutreachEvent, user=user, **fields)


def outreach_event_update(event: OutreachEvent, *, user, expected_version=None, **changes) -> OutreachEvent:
    return record_update(event, user=user, expected_version=expected_version, **changes)


def outreach_event_delete(event: OutreachEvent, *, user, expected_version=None) -> None:
    record_delete(event, user=user, expected_version=expected_version)


def financing_create(*, user, **fields) -> Financing:
    return record_create(Financing, user=user, **fields)


def financing_update(financing: Financing, *, user, expected_version=None, **changes) -> Financing:
    return record_update(financing, user=user, expected_version=expected_version, **changes)


def financing_delete(financing: Financing, *, user, expected_version=None) -> None:
    record_delete(financing, user=user, expected_version=expected_version)


def love_station_tally_create(*, user, **fields) -> LoveStationTally:
    return record_create(LoveStationTally, user=user, **fields)


def love_station_tally_update(tally: LoveStationTally, *, user, expected_version=None, **changes) -> LoveStationTally:
    return record_update(tally, user=user, expected_version=expected_version, **changes)


def love_station_tally_delete(tally: LoveStationTally, *, user, expected_version=None) -> None:
    record_delete(tally, user=user, expected_version=expected_version)


@transaction.atomic
def love_station_tally_add(*, user, branch, occurred_on, visitor_group, service, by: int = 1) -> LoveStationTally:
    """One tap on the tally screen: add `by` person-times to the day's row, creating it if new."""
    existing = (
        LoveStationTally.objects.select_for_update()
        .filter(branch=branch, occurred_on=occurred_on, visitor_group=visitor_group, service=service)
        .first()
    )
    if existing is None:
        return love_station_tally_create(
            user=user, branch=branch, occurred_on=occurred_on, visitor_group=visitor_group, service=service, count=by
        )
    return love_station_tally_update(existing, user=user, count=max(0, existing.count + by))


def cash_service_create(*, user, **fields) -> CashService:
    return record_create(CashService, user=user, **fields)


def cash_service_update(cash: CashService, *, user, expected_version=None, **changes) -> CashService:
    return record_update(cash, user=user, expected_version=expected_version, **changes)


def cash_service_delete(cash: CashService, *, user, expected_version=None) -> None:
    record_delete(cash, user=user, expected_version=expected_version)
