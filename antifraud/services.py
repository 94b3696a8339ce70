"""Writes of anti-fraud records, including the intervention case workflow."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from antifraud.models import AwarenessSession, Intervention
from audit.models import AuditEntry
from records.services import record_create, record_delete, record_update


def intervention_create(*, user, staff=(), status=Intervention.Status.SUSPECTED, **fields) -> Intervention:
    """A case starts as reported at the counter (the model refuses a later state for a new case);
    later states come through intervention_transition."""
    return record_create(Intervention, user=user, m2m={"staff": list(staff)}, status=status, **fields)


def intervention_update(case: Intervention, *, user, expected_version=None, staff=None, **changes) -> Intervention:
    m2m = {"staff": list(staff)} if staff is not None else None
    return record_update(case, user=user, expected_version=expected_version, m2m=m2m, **changes)


def intervention_transition(
    case: Intervention, *, user, status: str, police_unit=None, amount_protected=None, expected_version=None
) -> Intervention:
    """Move the case forward: suspected → police notified → police attended → confirmed by
    police (with unit and amount) or customer proceeded."""
    if status not in Intervention.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if not case.can_move_to(status):
        raise ValidationError(
            {
                "status": _("A case cannot go from %(old)s to %(new)s.")
                % {"old": case.get_status_display(), "new": Intervention.Status(status).label}
            }
        )
    changes = {"status": status}
    if police_unit is not None:
        changes["police_unit"] = police_unit
    if status == Intervention.Status.CONFIRMED:
        changes["amount_protected"] = amount_protected
    return record_update(
        case,
        user=user,
        expected_version=expected_version,
        workflow_fields=("status",),
        action=AuditEntry.Action.TRANSITION,
        **changes,
    )


def intervention_delete(case: Intervention, *, user, expected_version=None) -> None:
    record_delete(case, user=user, expected_version=expected_version)


def awareness_session_create(*, user, **fields) -> AwarenessSession:
    return record_create(AwarenessSession, user=user, **fields)


def awareness_session_update(session: AwarenessSession, *, user, expected_version=None, **changes) -> AwarenessSession:
    return record_update(session, user=user, expected_version=expected_version, **changes)


def awareness_session_delete(session: AwarenessSession, *, user, expected_version=None) -> None:
    record_delete(session, user=user, expected_version=expected_version)
