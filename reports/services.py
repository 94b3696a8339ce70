"""Writes of the reports app: report drafts (a user's edited highlights text) and evidence statements."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.access import access_for
from core.errors import OutOfScope
from core.free_text import validate_free_text
from reports.models import ReportDraft
from reports.text import from_editable

SECTION_MAX = 6000


def draft_for(user, report) -> ReportDraft | None:
    return ReportDraft.objects.filter(branch=report.node, period=report.period.text, user=user).first()


@transaction.atomic
def draft_save(*, user, report, texts: dict[str, str]) -> ReportDraft:
    """Keep the user's text of each section; figures in 〔〕 become ⟦id⟧ tokens again, so they stay
    linked to the roll-up store. `report` is the report as the user last saw it (draft applied)."""
    if not access_for(user).in_scope(report.node):
        raise OutOfScope()
    errors, sections = {}, {}
    known = list(report.book.links)
    for section in report.sections:
        text = texts.get(section.key)
        if text is None:
            continue
        try:
            if len(text) > SECTION_MAX:
                raise ValidationError(
                    _("A section holds at most %(max)s characters (this one has %(n)s).")
                    % {"max": SECTION_MAX, "n": len(text)}
                )
            validate_free_text(text)
            sections[section.key] = from_editable(text, section.stored, report.book.resolve, known)
        except ValidationError as exc:
            errors[section.key] = exc.messages
    if errors:
        raise ValidationError(errors)
    draft, _created = ReportDraft.objects.update_or_create(
        branch=report.node, period=report.period.text, user=user, defaults={"sections": sections}
    )
    return draft


@transaction.atomic
def draft_discard(*, user, report) -> None:
    ReportDraft.objects.filter(branch=report.node, period=report.period.text, user=user).delete()


@transaction.atomic
def statement_save(*, user, branch, item, year: int, text: str):
    """The short statement (≤ 500 characters) of an evaluation item for a node and year; audited."""
    from audit.history import audited_upsert
    from reports.models import EvidenceStatement

    access = access_for(user)
    if not access.in_scope(branch):
        raise OutOfScope()
    if not access.can_write_records(branch):
        raise PermissionDenied(_("Your role does not allow writing the evidence of %(branch)s.") % {"branch": branch})
    return audited_upsert(
        EvidenceStatement,
        user=user,
        branch=branch,
        lookup={"branch": branch, "item": item, "year": year},
        values={"text": (text or "").replace("\r\n", "\n").strip(), "updated_by": user},
    )
