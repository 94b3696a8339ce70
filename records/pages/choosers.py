"""Choosers that search on the server as you type: a branch of the tree, a record another record
names (a partnership), staff members (records/pages/staff_choosers.py). A page never renders the tree or a table as <option>s (18,467 branches at
national scale): the widget renders the chosen option(s) only, and static/portal/choosers.js asks
the endpoints below for at most CHOICES_LIMIT matches of what is typed.

The form field keeps its scoped queryset and validates the posted value against it; the widget
reads the queryset only to label the chosen value (one query, never the whole queryset).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from branches.models import Branch
from core.kinds import kind_for_slug
from records.pages.ids import parse_id
from records.references import reachable_records

CHOICES_LIMIT = 20
MAX_QUERY_LENGTH = 50


class ChosenOnly:
    """A choice widget that renders the chosen option(s) only, with a search box bound by
    choosers.js.

    `search_url` answers ?q=TEXT with {"results": [{"value", "label"}]}; `value_field` names
    which attribute of a result the form posts (the field's to_field_name, else the pk).
    """

    search_label = _("Search by code or name")
    # At most this many chosen values are looked up and rendered (None: all the posted ones).
    chosen_limit: int | None = CHOICES_LIMIT

    def __init__(self, attrs=None, *, search_url: str = "", search_label=None):
        super().__init__(attrs)
        self.search_url = search_url
        if search_label is not None:
            self.search_label = search_label

    def chosen(self, values) -> list[tuple[str, str]]:
        """(value, label) of the chosen values that lie in the field's queryset: one query."""
        iterator = self.choices
        field = getattr(iterator, "field", None)
        queryset = getattr(iterator, "queryset", None)
        if field is None or queryset is None:
            return [(str(v), str(label)) for v, label in iterator if str(v) in values and v != ""]
        key = field.to_field_name or "pk"
        if key == "pk":
            values = [v for v in values if parse_id(v) is not None]
        values = list(dict.fromkeys(v for v in values if v and len(v) <= 100))[: self.chosen_limit]
        if not values:
            return []
        lookup = f"{key}__in" if key == "pk" else f"{key}__iexact"
        if key == "pk":
            objs = list(queryset.filter(**{lookup: values})[: self.chosen_limit])
        else:
            q = Q()
            for v in values:
                q |= Q(**{lookup: v})
            objs = list(queryset.filter(q)[: self.chosen_limit])
        return [(str(field.prepare_value(obj)), field.label_from_instance(obj)) for obj in objs]

    def optgroups(self, name, value, attrs=None):
        values = [str(v) for v in value if v is not None]
        field = getattr(self.choices, "field", None)
        options = []
        empty_label = getattr(field, "empty_label", None)
        if field is not None and empty_label is not None and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", empty_label, not any(values), 0, attrs=attrs))
        for index, (val, label) in enumerate(self.chosen(values), start=len(options)):
            options.append(self.create_option(name, val, label, True, index, attrs=attrs))
        return [(None, options, 0)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = self.search_url
        context["widget"]["search_label"] = self.search_label
        context["widget"]["none_label"] = _("No match in your scope.")
        field = getattr(self.choices, "field", None)
        context["widget"]["value_key"] = getattr(field, "to_field_name", None) or "id"
        return context


class SearchSelect(ChosenOnly, forms.Select):
    """A <select> holding only the chosen option, with a search box bound by choosers.js."""

    template_name = "records/widgets/search_select.html"


class SearchCheckboxes(ChosenOnly, forms.CheckboxSelectMultiple):
    """A checked checkbox per chosen value, and a search box (choosers.js) that adds one for each
    match picked; unticking one leaves it out. Without JavaScript the chosen values still post.
    The field's label names the search box; `group_label` (the field's label too) the boxes."""

    template_name = "records/widgets/search_checkboxes.html"
    chosen_limit = None  # a record's whole team is shown, however many: what the page shows

    def __init__(self, attrs=None, *, group_label="", **kwargs):
        super().__init__(attrs, **kwargs)
        self.group_label = group_label

    def id_for_label(self, id_, index=None):
        if index is not None:  # a checkbox's own id
            return f"{id_}_{index}"
        return f"{id_}_search" if id_ else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["group_label"] = self.group_label
        return context


class BranchSearchSelect(SearchSelect):
    """A branch chooser: `purpose` "read" (any node in scope, list filters), "active" (active
    nodes in scope) or the slug of a record kind (where the user may record that kind)."""

    def __init__(self, attrs=None, *, purpose: str = "read"):
        super().__init__(attrs)
        self.purpose = purpose

    def get_context(self, name, value, attrs):
        self.search_url = f"{reverse('branch-choices')}?{urlencode({'for': self.purpose})}"
        return super().get_context(name, value, attrs)


class RecordSearchSelect(SearchSelect):
    """A chooser of another record (a partnership), searched by the kind's ledger name."""

    search_label = _("Search by name")

    def __init__(self, attrs=None, *, kind: str):
        super().__init__(attrs)
        self.kind = kind

    def get_context(self, name, value, attrs):
        self.search_url = reverse("record-choices", args=[self.kind])
        return super().get_context(name, value, attrs)


def branch_scope(user, purpose: str):
    """The branches a chooser for `purpose` offers (the form fields validate against the same)."""
    from records.pages.forms import writable_branches

    if purpose == "read":
        return Branch.objects.for_user(user)
    if purpose == "active":
        return Branch.objects.for_user(user).filter(is_active=True)
    if purpose == "stations":  # love stations (the tally)
        return Branch.objects.for_user(user).filter(love_station_since__isnull=False, is_active=True)
    kind = kind_for_slug(purpose)
    if kind is None or kind.form_class is None:
        return Branch.objects.none()
    return writable_branches(user, **getattr(kind.form_class, "branch_filters", {}))


def search_text(request) -> str:
    return (request.GET.get("q") or "").strip()[:MAX_QUERY_LENGTH]


def branch_matches(queryset, text: str):
    """Branches whose code, name or short name contains `text`, in any case ("qk-01" finds
    WH-QK-01). Indexed on PostgreSQL: trigram indexes on the upper-cased code, name and short
    name (branches/migrations/0007); the tree order over the matches only."""
    if text:
        queryset = queryset.filter(Q(code__icontains=text) | Q(name__icontains=text) | Q(short_name__icontains=text))
    return queryset.order_by("path")[:CHOICES_LIMIT]


def branch_label(branch: Branch) -> str:
    return f"{branch.code} · {branch}"


@login_required
@require_GET
def branch_choices(request):
    """At most CHOICES_LIMIT branches of the user's scope matching ?q= (code or name)."""
    branches = branch_matches(branch_scope(request.user, request.GET.get("for", "read")), search_text(request))
    return JsonResponse(
        {"results": [{"id": b.pk, "code": b.code, "label": branch_label(b)} for b in branches]},
        headers={"Cache-Control": "private, no-store"},
    )


@login_required
@require_GET
def record_choices(request, kind):
    """At most CHOICES_LIMIT records of a kind the user may name (records.references) whose
    ledger name (a partnership's partner unit) contains ?q=, newest first."""
    record_kind = kind_for_slug(kind)
    if record_kind is None or not record_kind.model.ledger_name:
        return JsonResponse({"results": []}, status=404)
    text = search_text(request)
    qs = reachable_records(record_kind.model, request.user).select_related("branch")
    if text:
        qs = qs.filter(**{f"{record_kind.model.ledger_name}__icontains": text})
    records = qs.order_by("-occurred_on", "-pk")[:CHOICES_LIMIT]
    return JsonResponse(
        {"results": [{"id": r.pk, "label": f"{r} · {r.branch}"} for r in records]},
        headers={"Cache-Control": "private, no-store"},
    )
