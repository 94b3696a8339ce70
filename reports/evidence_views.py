"""Pages of the evidence packs: a node's items for a year, statements edited, the zip to upload."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from branches.access import access_for
from core.periods import PeriodError, parse_period
from reports.documents import portal_url
from reports.evidence import PAGE_RECORD_LIMIT, build_pack
from reports.evidence_files import pack_zip
from reports.models import STATEMENT_MAX, EvaluationScheme
from reports.services import statement_save
from reports.views import node_in_scope

YEARS = (2000, 2100)


def last_complete_year() -> int:
    return timezone.localdate().year - 1


def pack_year(year_text: str = "", period_text: str = "") -> int:
    """The year of a pack from `period=` (as on every other page; a whole year) or its alias
    `year=`; the last complete year when neither is given. ValidationError with a clear message
    for anything else: a part of a year, a range, a future year, or the two disagreeing."""
    year_text, period_text = (year_text or "").strip()[:40], (period_text or "").strip()[:40]
    if period_text:
        try:
            period = parse_period(period_text)
        except PeriodError as e:
            raise ValidationError(str(e)) from e
        if period.year is None or (period.first.month, period.last.month) != (1, 12):
            raise ValidationError(
                _("An evidence pack covers a whole year: give period=%(year)s rather than %(period)s.")
                % {"year": period.last.year, "period": period.text}
            )
        year = period.year
        if year_text and year_text != str(year):
            raise ValidationError(
                _("year=%(year)s and period=%(period)s disagree: give only one of them.")
                % {"year": year_text[:20], "period": period.text}
            )
    elif year_text:
        if not year_text.isdigit() or not YEARS[0] <= int(year_text) <= YEARS[1]:
            raise ValidationError(
                _("Unknown year %(year)s: give a year between %(first)s and %(last)s.")
                % {"year": year_text[:20], "first": YEARS[0], "last": YEARS[1]}
            )
        year = int(year_text)
    else:
        return last_complete_year()
    if year > timezone.localdate().year:
        raise ValidationError(
            _("%(year)s has not begun: an evidence pack covers a past year (or the current one so far).")
            % {"year": year}
        )
    return year


def _year(request) -> int:
    return pack_year(request.GET.get("year", ""), request.GET.get("period", ""))


def year_choices(year: int) -> list[tuple[int, str]]:
    """The years offered next to the pack's: never a future one; the current one marked partial."""
    current = timezone.localdate().year
    out = []
    for y in (year - 2, year - 1, year, year + 1):
        if YEARS[0] <= y <= current:
            out.append((y, _("%(year)s (so far)") % {"year": y} if y == current else str(y)))
    return out


def _scheme(code: str) -> EvaluationScheme:
    scheme = EvaluationScheme.objects.filter(code=code).first()
    if scheme is None:
        raise Http404(_("No such evaluation scheme."))
    return scheme


def _pack_url(name: str, node, scheme, year: int) -> str:
    return reverse(name, args=[node.code, scheme.code]) + "?" + urlencode({"period": year})


@login_required
@require_http_methods(["GET", "POST"])
def evidence(request, code: str, scheme: str):
    node, scheme = node_in_scope(request, code), _scheme(scheme)
    try:
        year = _year(request)
    except ValidationError as e:
        context = {"branch": node, "error": e.messages[0]}
        return render(request, "reports/period_error.html", context, status=400)
    errors = {}
    posted = {}
    if request.method == "POST":
        if not access_for(request.user).can_write_records(node):
            raise PermissionDenied(_("Your role does not allow writing the evidence of %(branch)s.") % {"branch": node})
        items = {str(i.pk): i for i in scheme.items.all()}
        item = items.get(request.POST.get("item", ""))
        if item is None:
            errors["__all__"] = [_("Choose an item of this scheme.")]
        else:
            posted[item.pk] = request.POST.get("statement", "")
            try:
                statement_save(user=request.user, branch=node, item=item, year=year, text=posted[item.pk])
            except ValidationError as e:
                errors[item.pk] = e.messages
            else:
                messages.success(request, _("The statement of %(item)s is saved.") % {"item": item.code})
                return redirect(_pack_url("reports:evidence", node, scheme, year) + f"#item-{item.code}")
    pack = build_pack(request.user, scheme, node, year, listed=PAGE_RECORD_LIMIT)
    for evidence_item in pack.items:
        if evidence_item.item.pk in posted:
            evidence_item.statement = posted[evidence_item.item.pk]
            evidence_item.errors = errors.get(evidence_item.item.pk, [])
    context = {
        "pack": pack,
        "branch": node,
        "general_error": errors.get("__all__", [""])[0],
        "statement_max": STATEMENT_MAX,
        "years": year_choices(year),
        "can_edit": access_for(request.user).can_write_records(node),
        "zip_url": _pack_url("reports:evidence-zip", node, scheme, year),
    }
    return render(request, "reports/evidence.html", context, status=400 if errors else 200)


@login_required
@require_GET
def evidence_zip(request, code: str, scheme: str):
    node, scheme = node_in_scope(request, code), _scheme(scheme)
    try:
        year = _year(request)
    except ValidationError as e:
        return HttpResponse(e.messages[0], status=400, content_type="text/plain; charset=utf-8")
    from reports import build_views  # (it imports this module)

    if build_views.too_large(node):  # prepared by a worker, never here
        return build_views.prepare(
            request, kind="evidence-zip", node=node, params={"scheme": scheme.code, "year": year}
        )
    pack = build_pack(request.user, scheme, node, year)
    response = HttpResponse(pack_zip(pack, portal_url), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="evidence-{node.code}-{scheme.code}-{year}.zip"'
    return response
