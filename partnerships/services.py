"""Writes of partnerships and their activities."""

from partnerships.models import Partnership, PartnershipActivity
from records.services import record_create, record_delete, record_update


def partnership_create(*, user, **fields) -> Partnership:
    return record_create(Partnership, user=user, **fields)


def partnership_update(partnership: Partnership, *, user, expected_version=None, **changes) -> Partnership:
    return record_update(partnership, user=user, expected_version=expected_version, **changes)


def partnership_delete(partnership: Partnership, *, user, expected_version=None) -> None:
    record_delete(partnership, user=user, expected_version=expected_version)


def partnership_activity_create(*, user, **fields) -> PartnershipActivity:
    return record_create(PartnershipActivity, user=user, **fields)


def partnership_activity_update(
    activity: PartnershipActivity, *, user, expected_version=None, **changes
) -> PartnershipActivity:
    return record_update(activity, user=user, expected_version=expected_version, **changes)


def partnership_activity_delete(activity: PartnershipActivity, *, user, expected_version=None) -> None:
    record_delete(activity, user=user, expected_version=expected_version)
