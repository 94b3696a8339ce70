"""Ledger exports beyond EXPORT_INLINE_MAX_ROWS rows: never written inside a request, but
prepared by a worker as a document build (background.models.DocumentBuild, reports/builds.py),
followed on the build page and downloaded from it by the user who asked, like the reports'
large documents.

The export link (a GET) only offers the build, with the copy already ready for the same
filters if any; the form's POST starts it. The worker rebuilds the export from the kind, the
filters and the user's scope at run time, and streams it to the build's file, so any number of
rows is written in constant memory."""

from types import SimpleNamespace

from django.conf import settings
from django.http import QueryDict
from django.shortcuts import redirect, render

from background.models import DocumentBuild
from ledgers.exporting import ExportRows, csv_chunks, export_queryset
from ledgers.lookups import Lookups
from ledgers.specs import LedgerSpec, spec_for
from ledgers.workbooks import export_file
from reports import builds

K = DocumentBuild.Kind
KINDS = {"xlsx": K.LEDGER_XLSX, "csv": K.LEDGER_CSV}
ALIVE_EVERY = 50_000  # rows between two signs of life on the build row (it is not called stalled)


def inline_max_rows() -> int:
    return getattr(settings, "EXPORT_INLINE_MAX_ROWS", 20_000)


def filters_of(spec: LedgerSpec, params) -> dict[str, list[str]]:
    """The kind's filters in a query string or form, as stored with the build."""
    names = set(spec.kind.filterset.base_filters)
    return {name: [value[:200] for value in params.getlist(name)][:20] for name in sorted(params) if name in names}


def query_of(filters: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, values in filters.items():
        query.setlist(name, values)
    return query


def offer(request, spec: LedgerSpec, fmt: str, node, params):
    """The export link of a large list: its running build (a redirect to the page that follows
    it), or a page offering to prepare it, with the latest copy ready for the same filters."""
    filters = filters_of(spec, params)
    running, ready = builds.same(request.user, KINDS[fmt], node, {"slug": spec.slug, "filters": filters})
    if running is not None:
        return redirect("reports:build", token=running.token)
    context = {
        "spec": spec,
        "fmt": fmt,
        "kind_label": K(KINDS[fmt]).label,
        "limit": inline_max_rows(),
        "filters": [(name, value) for name, values in filters.items() for value in values],
        "ready": ready,
    }
    return render(request, "ledgers/export_prepare.html", context)


def start(request, spec: LedgerSpec, fmt: str, node, params, file_name: str):
    """The build of the export (or the one already running for the same filters): its page."""
    filters = filters_of(spec, params)
    key = {"slug": spec.slug, "filters": filters}
    running, _ready = builds.same(request.user, KINDS[fmt], node, key)
    if running is None:
        running = builds.start(user=request.user, kind=KINDS[fmt], branch=node, params={**key, "file_name": file_name})
    return redirect("reports:build", token=running.token)


def _alive(rows, alive):
    for count, values in enumerate(rows, 1):
        if count % ALIVE_EVERY == 0:
            alive()
        yield values


def write_export(build: DocumentBuild, path, alive) -> None:
    """Write the build's export to `path` (in the worker, reports/builds.py); `alive` is called
    every ALIVE_EVERY rows."""
    spec = spec_for(build.params["slug"])
    request = SimpleNamespace(user=build.user, GET=QueryDict())
    queryset, title, _node, errors = export_queryset(spec, request, query_of(build.params["filters"]))
    if errors is not None:  # the user's scope changed since: the filters no longer apply
        raise ValueError(f"export filters no longer valid: {dict(errors)}")
    rows = _alive(ExportRows(build.user, spec, queryset), alive)
    if build.kind == K.LEDGER_CSV:
        with open(path, "w", encoding="utf-8", newline="") as out:
            for piece in csv_chunks(spec, rows):
                out.write(piece)
        return
    export_file(spec, Lookups(build.user).writable_codes(), rows, title, path=path)
