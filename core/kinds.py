"""The registry of record kinds.

Each kind app declares its kinds in its own `kinds.py` and registers them from its
`AppConfig.ready()`, as NetBox's apps register their models and views. Everything generic reads
the registry and never imports a kind app by name: the entry pages and their URLs, the API, the
navigation, ledgers (template, import, export), the data repair, the synthetic network, the
demo data and the tests' samples.

A kind has one name, its slug ("home-visits"): the URL segment of its pages and its API
resource, the key of its ledger and of everything else here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class Ledger:
    """A kind's ledger sheet: the columns in order (every field a user sets, space-separated),
    what makes two rows likely the same record (besides branch and date), the template's example
    row, whether the database itself refuses duplicates (a unique constraint), and the other
    headers clerks give its columns in hand-made ledgers (docs/ledgers.md)."""

    columns: str
    duplicate_key: tuple[str, ...]
    example: dict
    strict_duplicates: bool = False
    # Other headers clerks give a column: {field name: "words separated by spaces"}.
    synonyms: dict = field(default_factory=dict)


@dataclass(frozen=True)
class NavLink:
    """A page of the kind beyond its list (the follow-ups, the tally), shown in the Records menu."""

    label: object
    url_name: str


@dataclass(frozen=True)
class Synthetic:
    """The kind in the national-scale synthetic network: its share of the records (a weight:
    the shares are scaled to add up to one), and `rows(generator, n)` yielding n rows of column
    values (demo/synthetic.py's RecordGenerator gives the random source, the outlets and the days).
    `links(generator)`, when given, runs once the rows are loaded and writes what they name
    through many-to-many tables (a home visit's team of two at its outlet)."""

    share: float
    rows: Callable
    links: Callable | None = None


@dataclass(frozen=True)
class ReportPart:
    """A paragraph the kind adds to each branch's section of the highlights report.

    write(writer, branch) returns the paragraph's parts ([] for none), built with the writer's
    helpers (reports/highlights.py: has, fig, sentence, cases); `order` places it among the
    report's own paragraphs: profile 0, services 10, financing 20, anti-fraud 30, people 40,
    honours 50, love station 60, cash cases 70."""

    order: int
    write: Callable


@dataclass(frozen=True)
class Sample:
    """Valid data for tests and probes: the fields of one record besides its branch and date, a
    valid edit, the same two as entry-form data, and an outlet of the demo network where the
    kind can be recorded.

    needs(branch, user) -> {field: record or list}: the other records a sample names (an
    activity's partnership, a home visit's team of two), made once through their kind's services
    as `user`, where a record at `branch` may name them; the tests add them to `fields` (as ids
    to `form`)."""

    fields: dict
    edit: dict
    form: dict
    form_edit: dict
    branch: str = "WH-QK-01"
    needs: Callable | None = None

    def needed(self, branch, user) -> dict:
        return self.needs(branch, user) if self.needs else {}

    def needed_form(self, branch, user) -> dict:
        """The needed records as form values: an id, or a list of ids (a team)."""
        return {
            name: [str(r.pk) for r in value] if isinstance(value, (list, tuple)) else str(value.pk)
            for name, value in self.needed(branch, user).items()
        }


@dataclass(frozen=True)
class RecordKind:
    slug: str  # URL and API resource name: /services/home-visits/, /api/v1/home-visits/
    model: type
    filterset: type
    create: Callable
    update: Callable
    delete: Callable
    form_class: type | None = None  # the entry form
    list_columns: tuple[str, ...] = ()  # the list page's columns after the date and branch
    detail_view: type | None = None  # the record page, when it shows more than the generic one
    viewset: type | None = None  # the API
    ledger: Ledger | None = None
    nav_links: tuple[NavLink, ...] = ()
    synthetic: Synthetic | None = None
    sample: Sample | None = None
    # What stands out (the kind's notable.py). Each takes the kind's queryset, already limited to
    # the user's scope, the node's subtree and the period where one applies:
    # notable(qs, limit) -> records for the dashboard's "notable" panel, at most `limit`;
    # lapsing(qs, today, days, limit) -> [{"honour": record, "days_left": n}] ending soon;
    # report_cases(qs, limit) -> {group: records} told as stories in the highlights report.
    notable: Callable | None = None
    lapsing: Callable | None = None
    report_cases: Callable | None = None
    report_part: ReportPart | None = None
    # Finders of reminders about the kind's records: finder(today) -> [core.reminders.Due]
    # (the reminders feature sends them; its Notification.Kind names each kind of reminder).
    reminders: tuple[Callable, ...] = ()
    # demo(loader): adds the kind's records to the demo data (demo/network.py's DemoLoader gives
    # branches, users, staff, rng, today and bulk(model, user, rows, m2m_rows)).
    demo: Callable | None = None

    @property
    def app(self) -> str:
        """The kind's app label, which is also the URL namespace of its pages."""
        return self.model._meta.app_label

    @property
    def m2m(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.model._meta.many_to_many)

    @property
    def label(self):
        return self.model._meta.verbose_name

    @property
    def label_plural(self):
        return self.model._meta.verbose_name_plural

    def url(self, action: str = "list", pk=None) -> str:
        return reverse(f"{self.app}:{self.slug}-{action}", args=[pk] if pk is not None else [])


_KINDS: dict[str, RecordKind] = {}


def register(*kinds: RecordKind) -> None:
    """Called from a kind app's AppConfig.ready(); registering a slug twice is a mistake."""
    for kind in kinds:
        if kind.slug in _KINDS and _KINDS[kind.slug] != kind:
            raise ValueError(f"record kind {kind.slug!r} is registered twice")
        _KINDS[kind.slug] = kind


def record_kinds() -> list[RecordKind]:
    """Every kind, in the order of INSTALLED_APPS and then of each app's declaration."""
    return list(_KINDS.values())


def kinds_of_app(app_label: str) -> list[RecordKind]:
    return [k for k in _KINDS.values() if k.app == app_label]


def kind_for_model(model) -> RecordKind:
    return next(k for k in _KINDS.values() if k.model is model or isinstance(model, k.model))


def kind_for_slug(slug: str) -> RecordKind | None:
    return _KINDS.get(slug)
