"""The entry pages of every record kind: list, detail (history, photos), create, edit, delete.

Plain base classes; each app's urls.py wires them for its kinds with `kind` (the slug of
core.kinds), `form_class` (from the app's forms.py) and the list `columns`.
"""

import copy
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from branches.access import access_for
from core.errors import PeriodLocked, StaleEdit
from core.kinds import kind_for_slug
from records.actions import may
from records.models import Photo
from records.pages import display
from records.pages.errors import FORM_REFUSALS, ServiceRefusalsMixin, add_service_error
from records.pages.forms import PhotoUploadForm, VersionForm, style_fields
from records.pages.ids import parse_id
from records.pages.photos import PhotoRefused, attach_photos, photo_request_limit, photo_url
from records.paging import CappedPaginator, capped_count, decode_key, encode_key, keyset_page
from records.services import check_can_write, check_months_open, months_touched

PAGE_SIZE = 25
THUMBS_PER_ROW = 3


def mark_invalid(form) -> None:
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


def period_lock(obj) -> str:
    """The reason the record's month is locked, or "": shown before the user starts typing."""
    try:
        check_months_open(obj.branch, months_touched(obj))
    except PeriodLocked as exc:
        return str(exc)
    return ""


def add_photo_error(form, exc: PhotoRefused) -> None:
    form.add_error("photos", exc.error.messages)


class RecordViewMixin(LoginRequiredMixin, ServiceRefusalsMixin):
    kind = ""  # slug in core.kinds.record_kinds()
    form_class = None
    columns: tuple[str, ...] = ()

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.record_kind = kind_for_slug(self.kind)
        self.model = self.record_kind.model

    @property
    def access(self):
        return access_for(self.request.user)

    def get_queryset(self):
        return self.model.objects.for_user(self.request.user).select_related("branch", "created_by")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def template_names(self, page: str) -> list[str]:
        return [f"{self.record_kind.app}/{self.model._meta.model_name}_{page}.html", f"records/{page}.html"]

    def can_record_somewhere(self) -> bool:
        return self.access.sees_everything or any(
            self.access.can_write_records(m.branch) for m in self.access.memberships
        )

    def base_context(self, **extra) -> dict:
        kind = self.record_kind
        return {
            "kind": kind,
            "kind_label": kind.label,
            "kind_label_plural": kind.label_plural,
            "list_url": kind.url("list"),
            "new_url": kind.url("new"),
            "can_record": self.can_record_somewhere(),
            **extra,
        }

    def locked_redirect(self, obj):
        """A record in an approved month opens read-only (its page, with the lock and a request
        to reopen) rather than as a form whose save would be refused."""
        decision = may(self.request.user, "record.edit", obj)
        if decision.lock is None:
            return None
        messages.info(self.request, decision.reason)
        return redirect(obj.get_absolute_url())

    def render_page(self, page: str, context: dict, status: int = 200):
        return render(self.request, self.template_names(page), self.base_context(**context), status=status)


PAGING_PARAMS = ("page", "after", "before")


class ListPaging:
    """What the list says about its size and where its links go (records/list.html)."""

    def __init__(self, request, *, rows, count, capped, number=None, next_key=None, previous_key=None):
        self.request = request
        self.rows = rows
        self.count = count
        self.capped = capped
        self.number = number
        self.next_key = next_key
        self.previous_key = previous_key
        self.next_page = None
        self.previous_page = None
        self.total_pages = None

    @property
    def count_text(self) -> str:
        return f"{self.count:,}+" if self.capped else f"{self.count:,}"

    def _url(self, **param) -> str:
        query = self.request.GET.copy()
        for name in PAGING_PARAMS:
            query.pop(name, None)
        for name, value in param.items():
            if value is not None:
                query[name] = value
        return "?" + query.urlencode()

    @property
    def next_url(self) -> str | None:
        if self.next_page is not None:
            return self._url(page=self.next_page)
        return self._url(after=self.next_key) if self.next_key else None

    @property
    def previous_url(self) -> str | None:
        if self.previous_page is not None:
            return self._url(page=self.previous_page if self.previous_page > 1 else None)
        return self._url(before=self.previous_key) if self.previous_key else None

    @property
    def first_url(self) -> str | None:
        """Back to page 1 from a page reached by keyset."""
        return self._url() if self.number is None and self.previous_key else None

    @property
    def shown(self) -> bool:
        return bool(self.next_url or self.previous_url)


@dataclass
class ListRow:
    obj: object
    url: str
    cells: list[str]
    thumbs: list[str]
    photo_count: int


class RecordListView(RecordViewMixin, View):
    """Newest first, filtered by the kind's FilterSet, paged; a constant number of queries."""

    def get(self, request, **kwargs):
        queryset = self.get_queryset().order_by("-occurred_on", "-id")
        filterset = self.record_kind.filterset(request.GET or None, queryset=queryset, request=request)
        style_fields(filterset.form)
        if filterset.is_bound and not filterset.is_valid():
            rows = queryset.none()
        else:
            rows = filterset.qs
        relations = [c for c in self.columns if self._field(c) is not None and self._field(c).is_relation]
        rows = rows.select_related(*[c for c in relations if not self._field(c).many_to_many])
        rows = rows.prefetch_related(
            Prefetch("photos", queryset=Photo.objects.order_by("captured_at", "id")),
            *[c for c in relations if self._field(c).many_to_many],
        )
        page, paging = self._paginate(request, rows)
        return self.render_page(
            "list",
            {
                "filterset": filterset,
                "filters_active": any(v for k, v in request.GET.items() if k not in PAGING_PARAMS),
                "export_query": self._export_query(request),
                "page_obj": page,
                "paging": paging,
                "headers": [display.field_label(self.model, c) for c in self.columns],
                "rows": [self._row(obj) for obj in (page.object_list if page is not None else paging.rows)],
            },
        )

    def _paginate(self, request, rows):
        """Page numbers up to the count cap, then a keyset from the last row shown (records.paging):
        a deep page costs what page 1 costs. Returns (page_obj or None, ListPaging)."""
        after = decode_key(request.GET.get("after"))
        before = decode_key(request.GET.get("before")) if after is None else None
        if after is not None or before is not None:
            objs, more_after, more_before = keyset_page(rows, after=after, before=before, size=PAGE_SIZE)
            count, capped = capped_count(rows)
            return None, ListPaging(
                request,
                rows=objs,
                count=count,
                capped=capped,
                next_key=encode_key(objs[-1]) if objs and more_after else None,
                previous_key=encode_key(objs[0]) if objs and more_before else None,
            )
        paginator = CappedPaginator(rows, PAGE_SIZE)
        # The pages offered by number stop at the count cap (OFFSET reads what it skips).
        number = parse_id(request.GET.get("page")) or 1
        page = paginator.get_page(min(number, paginator.num_pages))
        objs = list(page.object_list)
        page.object_list = objs
        paging = ListPaging(request, rows=objs, count=paginator.count, capped=paginator.capped, number=page.number)
        if page.has_previous():
            paging.previous_page = page.number - 1
        if page.has_next():
            if page.number < paginator.num_pages:
                paging.next_page = page.number + 1
            elif objs:  # past the count cap: go on by keyset
                paging.next_key = encode_key(objs[-1])
        paging.total_pages = None if paginator.capped else paginator.num_pages
        return page, paging

    @staticmethod
    def _export_query(request) -> str:
        """The list's filters, for the ledger export of the same records (ledgers:export-*)."""
        query = request.GET.copy()
        for name in PAGING_PARAMS:
            query.pop(name, None)
        return query.urlencode()

    def _field(self, name):
        try:
            return self.model._meta.get_field(name)
        except Exception:
            return None

    def _row(self, obj) -> ListRow:
        photos = list(obj.photos.all())
        return ListRow(
            obj=obj,
            url=self.record_kind.url("detail", obj.pk),
            cells=[display.record_value(obj, c) for c in self.columns],
            thumbs=[photo_url(self.record_kind, obj.pk, p.pk, "thumb") for p in photos[:THUMBS_PER_ROW]],
            photo_count=len(photos),
        )


class RecordDetailView(RecordViewMixin, View):
    """The record, its photos and its change history; a POST here attaches photos."""

    request_body_limit = staticmethod(photo_request_limit)

    def get(self, request, **kwargs):
        return self.render_detail(self.get_object())

    def post(self, request, **kwargs):
        obj = self.get_object()
        check_can_write(request.user, obj.branch)
        form = PhotoUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    added = attach_photos(
                        obj,
                        user=request.user,
                        uploads=form.cleaned_data["photos"],
                        caption=form.cleaned_data["caption"],
                    )
            except PhotoRefused as exc:
                add_photo_error(form, exc)
            except FORM_REFUSALS as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("%(n)s photos added.") % {"n": len(added)})
                return redirect(obj.get_absolute_url())
        mark_invalid(form)
        return self.render_detail(obj, photo_form=form)

    def detail_context(self, obj) -> dict:
        """Extra panels of a kind's detail page (subclasses add to it)."""
        return {}

    def render_detail(self, obj, **overrides):
        # What the page offers follows records/actions.py: a record in an approved month is
        # shown read-only, with a request to reopen it when the user cannot reopen it themselves.
        edit = may(self.request.user, "record.edit", obj)
        can_write = bool(edit)
        reopen = may(self.request.user, "record.request_reopen", obj) if edit.lock else None
        kind = self.record_kind
        photos = [
            {
                "photo": p,
                "url": photo_url(kind, obj.pk, p.pk),
                "thumb": photo_url(kind, obj.pk, p.pk, "thumb"),
                "delete": photo_url(kind, obj.pk, p.pk, "delete"),
            }
            for p in obj.photos.order_by("captured_at", "id").select_related("uploaded_by")
        ]
        context = {
            "obj": obj,
            "rows": display.detail_rows(obj),
            "history": display.history_rows(obj),
            "photos": photos,
            "can_write": can_write,
            "photo_form": PhotoUploadForm() if can_write else None,
            "detail_url": kind.url("detail", obj.pk),
            "edit_url": kind.url("edit", obj.pk),
            "delete_url": kind.url("delete", obj.pk),
            "created_by": display.user_name(obj.created_by),
            "locked": edit.reason if edit.lock else "",
            "lock": edit.lock,
            "request_reopen_url": reverse("reminders:request-reopen", args=[kind.slug, obj.pk]) if reopen else "",
            **self.detail_context(obj),
            **overrides,
        }
        return self.render_page("detail", context)


class RecordFormViewMixin(RecordViewMixin):
    def get_form(self, data=None, files=None, instance=None):
        return self.form_class(data, files, instance=instance, user=self.request.user)

    def render_form(self, form, obj=None, stale=None):
        mark_invalid(form)
        locked = period_lock(obj) if obj is not None and not form.is_bound else ""
        return self.render_page("form", {"form": form, "obj": obj, "stale": stale, "locked": locked})


class RecordCreateView(RecordFormViewMixin, View):
    request_body_limit = staticmethod(photo_request_limit)  # the new-record form takes photos too

    def refuse_if_nowhere_to_record(self, form) -> None:
        if not form.can_offer_branch:
            raise PermissionDenied(
                _("Your role does not allow recording %(kind)s at any branch of your scope.")
                % {"kind": self.record_kind.label_plural}
            )

    def get(self, request, **kwargs):
        form = self.get_form()
        self.refuse_if_nowhere_to_record(form)
        return self.render_form(form)

    def post(self, request, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        self.refuse_if_nowhere_to_record(form)
        if form.is_valid():
            try:
                with transaction.atomic():
                    obj = self.record_kind.create(user=request.user, **form.service_fields())
                    attach_photos(obj, user=request.user, uploads=form.photos)
            except PhotoRefused as exc:
                add_photo_error(form, exc)
            except FORM_REFUSALS as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Saved: %(record)s") % {"record": obj})
                return redirect(obj.get_absolute_url())
        return self.render_form(form)


class RecordUpdateView(RecordFormViewMixin, View):
    """The form carries the version the user saw; if someone saved since, nothing is saved
    and the page shows what they changed."""

    def get(self, request, **kwargs):
        obj = self.get_object()
        check_can_write(request.user, obj.branch)
        if redirect_when_locked := self.locked_redirect(obj):
            return redirect_when_locked
        return self.render_form(self.get_form(instance=copy.copy(obj)), obj)

    def post(self, request, **kwargs):
        obj = self.get_object()
        check_can_write(request.user, obj.branch)
        form = self.get_form(request.POST, instance=copy.copy(obj))
        stale = None
        if form.is_valid():
            try:
                saved = self.record_kind.update(
                    obj, user=request.user, expected_version=form.cleaned_data["version"], **form.service_fields()
                )
            except StaleEdit as exc:
                form.add_error(None, str(exc))
                stale = display.rows_for_entries(self.model, exc.entries)
                form.data = form.data.copy()
                form.data["version"] = exc.current.version
            except FORM_REFUSALS as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Saved: %(record)s") % {"record": saved})
                return redirect(saved.get_absolute_url())
        return self.render_form(form, obj, stale)


class RecordDeleteView(RecordViewMixin, View):
    def get(self, request, **kwargs):
        obj = self.get_object()
        check_can_write(request.user, obj.branch)
        if redirect_when_locked := self.locked_redirect(obj):
            return redirect_when_locked
        return self.render_delete(obj, VersionForm(initial={"version": obj.version}))

    def post(self, request, **kwargs):
        obj = self.get_object()
        check_can_write(request.user, obj.branch)
        form = VersionForm(request.POST)
        stale, errors = None, []
        if form.is_valid():
            try:
                self.record_kind.delete(obj, user=request.user, expected_version=form.cleaned_data["version"])
            except StaleEdit as exc:
                # Show what changed; confirming again deletes the record as it is now.
                errors.append(str(exc))
                stale = display.rows_for_entries(self.model, exc.entries)
                form = VersionForm(initial={"version": exc.current.version})
                obj = exc.current
            except PeriodLocked as exc:
                errors.append(str(exc))
            except ValidationError as exc:  # other records still name this one
                errors.extend(exc.messages)
            else:
                messages.success(request, _("Deleted: %(record)s") % {"record": obj})
                return redirect(self.record_kind.url("list"))
        return self.render_delete(obj, form, stale, errors)

    def render_delete(self, obj, form, stale=None, errors=()):
        context = {"obj": obj, "form": form, "stale": stale, "errors": errors, "rows": display.detail_rows(obj)}
        context["locked"] = "" if errors else period_lock(obj)
        return self.render_page("delete", context)
