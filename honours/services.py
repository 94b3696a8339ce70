"""Writes of honours, and the lifecycle of a title with a validity."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from branches.access import access_for
from honours.models import Honour
from records.services import record_create, record_delete, record_update


def _link_fields(linked_record) -> dict:
    if linked_record is None:
        return {"linked_type": None, "linked_id": None}
    return {"linked_type": ContentType.objects.get_for_model(linked_record), "linked_id": linked_record.pk}


def _check_linked(user, linked_record) -> None:
    if linked_record is not None and not access_for(user).in_scope(linked_record.branch):
        raise ValidationError({"linked_record": _("The linked record is outside your scope.")})


def honour_create(*, user, linked_record=None, **fields) -> Honour:
    """A pennant, letter, praise ticket or title; `linked_record` is the record that earned it."""
    _check_linked(user, linked_record)
    return record_create(Honour, user=user, **_link_fields(linked_record), **fields)


def honour_update(honour: Honour, *, user, expected_version=None, linked_record=..., **changes) -> Honour:
    if linked_record is not ...:
        _check_linked(user, linked_record)
        changes.update(_link_fields(linked_record))
    return record_update(honour, user=user, expected_version=expected_version, **changes)


def honour_delete(honour: Honour, *, user, expected_version=None) -> None:
    record_delete(honour, user=user, expected_version=expected_version)


# --- the lifecycle of a title with a validity (warning, downgrade, revocation, renewal) -------

LIFECYCLE_FIELDS = ("status", "status_since", "status_reason")
TITLE_CYCLE_YEARS = 2  # 青年文明号 is reviewed every two years


def _lifecycle_date(honour: Honour, on) -> datetime.date:
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"status_since": _("The date cannot be in the future.")})
    if on < honour.occurred_on:
        raise ValidationError({"status_since": _("The date cannot be before the award date.")})
    return on


def _lifecycle_update(honour: Honour, *, user, status, on, reason, expected_version, **changes) -> Honour:
    if honour.kind != Honour.Kind.TITLE:
        raise ValidationError({"status": _("Only an honorary title can be warned, downgraded or revoked.")})
    if honour.status == Honour.Status.REVOKED:
        raise ValidationError({"status": _("A revoked title is final; record a new award instead.")})
    if status != Honour.Status.ACTIVE and not (reason or "").strip():
        raise ValidationError({"status_reason": _("Give the reason.")})
    return record_update(
        honour,
        user=user,
        expected_version=expected_version,
        workflow_fields=LIFECYCLE_FIELDS,
        action=AuditEntry.Action.TRANSITION,
        figures_only_lock=True,
        status=status,
        status_since=_lifecycle_date(honour, on),
        status_reason=(reason or "").strip(),
        **changes,
    )


def honour_warn(honour: Honour, *, user, reason: str, on=None, expected_version=None) -> Honour:
    """The issuer warned the holder of a title (a yellow card before downgrade or revocation)."""
    return _lifecycle_update(
        honour, user=user, status=Honour.Status.WARNED, on=on, reason=reason, expected_version=expected_version
    )


def honour_downgrade(honour: Honour, *, user, star_level: int, reason: str, on=None, expected_version=None) -> Honour:
    """The title keeps its name at fewer stars (e.g. 二星级 → 一星级)."""
    if honour.star_level is None or not isinstance(star_level, int) or not 1 <= star_level < honour.star_level:
        raise ValidationError({"star_level": _("A downgrade lowers the star level of a title that has one.")})
    return _lifecycle_update(
        honour,
        user=user,
        status=Honour.Status.DOWNGRADED,
        on=on,
        reason=reason,
        expected_version=expected_version,
        star_level=star_level,
    )


def honour_revoke(honour: Honour, *, user, reason: str, on=None, expected_version=None) -> Honour:
    """The title is withdrawn; it still counts as awarded on its award date (the honours metric)."""
    return _lifecycle_update(
        honour, user=user, status=Honour.Status.REVOKED, on=on, reason=reason, expected_version=expected_version
    )


def honour_renew(
    honour: Honour, *, user, valid_until=None, star_level=None, reason: str = "", on=None, expected_version=None
) -> Honour:
    """The title passed its review: in force again until `valid_until` (by default one more
    two-year cycle after the current validity)."""
    if valid_until is None:
        if honour.valid_until is None:
            raise ValidationError({"valid_until": _("Give the new end of the validity.")})
        valid_until = _add_years(honour.valid_until, TITLE_CYCLE_YEARS)
    if honour.valid_until is not None and valid_until <= honour.valid_until:
        raise ValidationError({"valid_until": _("A renewal extends the validity.")})
    changes = {"valid_until": valid_until}
    if star_level is not None:
        changes["star_level"] = star_level
    return _lifecycle_update(
        honour,
        user=user,
        status=Honour.Status.ACTIVE,
        on=on,
        reason=reason,
        expected_version=expected_version,
        **changes,
    )


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
