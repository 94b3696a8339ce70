"""Free text, one rule for every field that stores what a user wrote (issue 15).

Every character and text field of every model of the portal's apps gets `validate_free_text`
as a validator when the apps are ready (`install()`): no full resident ID or mobile number in
any spelling (core.privacy, on text folded by core.text), and no invisible text-direction
controls, which can make stored text display as something else than it says (a note reading
"approved" that is stored as "devorppa").

A field validator runs wherever the field is validated: full_clean() (the services, forms,
the admin), the bulk writer's cleaner (ledger imports), and the API's serializers (which copy a
model field's validators). It is added to the field instance's validators, not to its
deconstruction, so adding or exempting a field needs no migration.

Only fields that are not free text are exempt: fields with choices (checked against the
choices), and the fields named in EXEMPT with the reason. The system check below fails on a
text field that is neither covered nor exempt, so a new field cannot be forgotten.
"""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.privacy import redact, validate_no_personal_identifiers

# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the direction marks
# (U+200E, U+200F, U+061C): none has a place in a note, a name or a caption of this portal.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")

EXEMPT: dict[str, str] = {
    "audit.AuditEntry.object_repr": "written by the audit from the record's own validated fields",
    "audit.AuditEntry.reason": "written by services from a reason validated where the user gave it",
    "portal.IdempotencyKey.key": "printable ASCII only, and refused holding an ID or mobile number"
    " (portal/api/idempotency.py)",
    "portal.IdempotencyKey.fingerprint": "a SHA-256 hex digest",
    "branches.Branch.path": "materialised path computed from ids",
    "services.HomeVisit.customer_name_masked": "masked-name validator: a surname and asterisks only",
    "antifraud.Intervention.customer_name_masked": "masked-name validator: a surname and asterisks only",
    "services.Financing.credit_code": "unified social credit code validator (18 characters with a check character)",
    "services.Financing.counterparty_key": "derived from the validated counterparty and credit code",
    "metrics.MetricValue.metric": "a metric code of the catalogue, written by the roll-up store",
    "metrics.MetricValue.split": "a split key of the catalogue, written by the roll-up store",
    "metrics.DistinctMember.metric": "a metric code of the catalogue, written by the roll-up store",
    "metrics.DistinctMember.split": "a split key of the catalogue, written by the roll-up store",
    "metrics.DistinctMember.member": "copied by the roll-up store from a validated record field",
    "metrics.DistinctCount.metric": "a metric code of the catalogue, written by the roll-up store",
    "metrics.DistinctCount.split": "a split key of the catalogue, written by the roll-up store",
    "ledgers.ImportJob.kind": "a record kind's code",
    "ledgers.ImportJob.token": "a random token",
    "ledgers.ImportJob.file_name": "the upload's name through safe_file_name() (masked, controls removed)",
    "ledgers.ImportJob.file_error": "the importer's own message",
    "reports.ReportDraft.period": "a period code parsed from the address (2025, 2025-Q1, 2025-03)",
}


def first_bidi_control(text: str) -> str | None:
    found = BIDI_CONTROLS.search(text or "")
    return found.group() if found else None


def validate_no_bidi_controls(value: str) -> None:
    if (ch := first_bidi_control(value)) is not None:
        raise ValidationError(
            _(
                "Remove the invisible text-direction character (U+%(code)04X): it can make the text "
                "display differently from what it says."
            ),
            code="bidi_control",
            params={"code": ord(ch)},
        )


def validate_free_text(value: str) -> None:
    """The rule of every free-text field: no direction controls, no ID or mobile number."""
    if not isinstance(value, str):
        return
    validate_no_bidi_controls(value)
    validate_no_personal_identifiers(value)


def safe_file_name(name: str) -> str:
    """An uploaded file's name as it may be stored and shown: numbers masked, controls removed."""
    return redact(BIDI_CONTROLS.sub("", name or ""))


def _label(model, field) -> str:
    return f"{model._meta.label}.{field.name}"


def project_apps():
    """The portal's own apps: those whose code lives in the project, not in an installed package
    (so an app added or split off later is covered without a list to keep)."""
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            yield config


def text_fields():
    """(model, field) for every character and text field of the portal's models."""
    for config in project_apps():
        for model in config.get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, (models.CharField, models.TextField)):
                    yield model, field


def is_free_text(model, field) -> bool:
    return not field.choices and _label(model, field) not in EXEMPT


def covered(field) -> bool:
    return validate_free_text in field.validators or (
        validate_no_bidi_controls in field.validators and validate_no_personal_identifiers in field.validators
    )


def install() -> None:
    """Give every free-text field of the portal's models the rule (called from AppConfig.ready)."""
    for model, field in text_fields():
        if not is_free_text(model, field) or covered(field):
            continue
        if validate_no_personal_identifiers in field._validators:  # declared on the field already
            added = [validate_no_bidi_controls]
        else:
            added = [validate_free_text]
        # Field.validators is computed once and then kept (CharField adds its length check to
        # that list in __init__), so the rule joins that list.
        field.validators.extend(added)


@checks.register
def check_free_text_fields(app_configs=None, **kwargs):
    """Every text field is covered by the rule, or has choices, or is exempt with a reason."""
    errors = []
    labels = set()
    for model, field in text_fields():
        labels.add(_label(model, field))
        if is_free_text(model, field) and not covered(field):
            errors.append(
                checks.Error(
                    f"{_label(model, field)} stores text but is not checked for ID and mobile numbers.",
                    hint="Call core.free_text.install() in ready(), or name the field in EXEMPT with a reason.",
                    id="portal.E151",
                )
            )
    for label in EXEMPT.keys() - labels:
        errors.append(checks.Error(f"EXEMPT names {label}, which is not a text field.", id="portal.E152"))
    return errors
