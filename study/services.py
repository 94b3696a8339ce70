"""Writes of study sessions: the participants go with the record in one write."""

from records.services import record_create, record_delete, record_update
from study.models import StudySession


def study_session_create(*, user, participants=(), **fields) -> StudySession:
    return record_create(StudySession, user=user, m2m={"participants": list(participants)}, **fields)


def study_session_update(
    session: StudySession, *, user, expected_version=None, participants=None, **changes
) -> StudySession:
    m2m = {"participants": list(participants)} if participants is not None else None
    return record_update(session, user=user, expected_version=expected_version, m2m=m2m, **changes)


def study_session_delete(session: StudySession, *, user, expected_version=None) -> None:
    record_delete(session, user=user, expected_version=expected_version)
