"""Writes of volunteer activities and teams."""

from records.services import record_create, record_delete, record_update
from volunteering.models import Team, VolunteerActivity


def volunteer_activity_create(*, user, **fields) -> VolunteerActivity:
    return record_create(VolunteerActivity, user=user, **fields)


def volunteer_activity_update(
    activity: VolunteerActivity, *, user, expected_version=None, **changes
) -> VolunteerActivity:
    return record_update(activity, user=user, expected_version=expected_version, **changes)


def volunteer_activity_delete(activity: VolunteerActivity, *, user, expected_version=None) -> None:
    record_delete(activity, user=user, expected_version=expected_version)


def team_create(*, user, **fields) -> Team:
    return record_create(Team, user=user, **fields)


def team_update(team: Team, *, user, expected_version=None, **changes) -> Team:
    return record_update(team, user=user, expected_version=expected_version, **changes)


def team_delete(team: Team, *, user, expected_version=None) -> None:
    record_delete(team, user=user, expected_version=expected_version)
