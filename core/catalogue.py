"""The metric catalogue: stable keys shared by dashboards, exports, the API and the CLI.

Each record kind declares `measures`: what one record contributes (metric, value, split
dimensions). The same declaration drives the incremental roll-up update of a single record and
the database-side aggregation that rebuilds the store, so the two cannot drift apart.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

SUM, LAST, DISTINCT = "sum", "last", "distinct"


@dataclass(frozen=True)
class Metric:
    key: str
    label: object
    aggregation: str
    split_by: tuple[str, ...]
    unit: str = "count"  # count | cny | hours | person_times
    decimals: int = 0  # the store keeps value * 10**decimals as an exact integer

    @property
    def scale(self) -> int:
        return 10**self.decimals

    def to_store(self, value) -> int:
        return int((Decimal(value) * self.scale).to_integral_value())

    def from_store(self, raw):
        if raw is None:
            raw = 0
        if self.decimals:
            return (Decimal(int(raw)) / self.scale).quantize(Decimal(1).scaleb(-self.decimals))
        return int(raw)


METRICS: dict[str, Metric] = {
    m.key: m
    for m in [
        Metric("home_visits", _("Home visits"), SUM, ("customer_group",)),
        Metric("outreach_events", _("Outreach events"), SUM, ("theme",)),
        Metric("outreach_attendees", _("Outreach attendees"), SUM, ("theme",), "person_times"),
        Metric("antifraud_interventions", _("Fraud interventions"), SUM, ("fraud_type",)),
        Metric(
            "antifraud_funds_protected_cny",
            _("Funds protected (police-confirmed), CNY"),
            SUM,
            ("fraud_type",),
            "cny",
            2,
        ),
        Metric("antifraud_sessions", _("Anti-fraud awareness sessions"), SUM, ("venue_type",)),
        Metric("antifraud_audience", _("Anti-fraud audience"), SUM, ("venue_type",), "person_times"),
        Metric("financing_amount_cny", _("Financing amount, CNY"), SUM, ("sector", "product"), "cny", 2),
        Metric("financing_entities", _("Entities served"), SUM, ("sector", "product")),
        Metric("financing_enterprises", _("Enterprises served (distinct)"), DISTINCT, ("sector", "product")),
        Metric("love_station_visits", _("Love-station visits"), SUM, ("visitor_group", "service"), "person_times"),
        Metric("cash_services", _("Cash services"), SUM, ("service",)),
        Metric("cash_pieces_counted", _("Pieces counted"), SUM, ("service",)),
        Metric("volunteer_activities", _("Volunteer activities"), SUM, ("theme",)),
        Metric("volunteer_person_times", _("Volunteer person-times"), SUM, ("theme",), "person_times"),
        Metric("volunteer_hours", _("Volunteer hours"), SUM, ("theme",), "hours", 2),
        Metric("study_sessions", _("Study sessions"), SUM, ("session_type",)),
        Metric("study_person_times", _("Study person-times"), SUM, ("session_type",), "person_times"),
        Metric("study_people", _("Staff who studied (distinct)"), DISTINCT, ("session_type",)),
        Metric("study_hours", _("Study hours"), SUM, ("session_type",), "hours", 2),
        Metric("teams_active", _("Active teams"), LAST, ("kind",)),
        Metric("partnerships_active", _("Partnerships in force"), LAST, ("partner_type",)),
        Metric("partnership_activities", _("Partnership activities"), SUM, ("activity_type",)),
        Metric(
            "partnership_people_reached",
            _("People reached by partnership activities"),
            SUM,
            ("activity_type",),
            "person_times",
        ),
        Metric("honours", _("Honours"), SUM, ("kind", "level")),
    ]
}


def get_metric(key: str) -> Metric:
    return METRICS[key]


@dataclass(frozen=True)
class Measure:
    """What one record of a kind adds to one metric.

    value: a field name, or None to count the record once. sign: -1 subtracts (a team's
    disbanding). when / unless: simple lookups (exact, __in, __isnull) deciding whether the
    record counts. member: for distinct metrics, the field naming the counted entity, or a
    many-to-many field: then each related object (by primary key) is a member.
    """

    metric: str
    value: str | None = None
    date_field: str = "occurred_on"
    sign: int = 1
    when: dict = field(default_factory=dict)
    unless: dict = field(default_factory=dict)
    member: str | None = None

    @property
    def spec(self) -> Metric:
        return METRICS[self.metric]

    def applies_to(self, obj) -> bool:
        if getattr(obj, self.date_field) is None:
            return False
        if self.when and not all(_lookup_matches(obj, k, v) for k, v in self.when.items()):
            return False
        return not (self.unless and all(_lookup_matches(obj, k, v) for k, v in self.unless.items()))


def _lookup_matches(obj, lookup: str, expected) -> bool:
    name, _sep, op = lookup.partition("__")
    actual = getattr(obj, name)
    if op == "":
        return actual == expected
    if op == "in":
        return actual in expected
    if op == "isnull":
        return (actual is None) == expected
    raise ValueError(f"unsupported lookup {lookup!r} in a Measure")


def split_key(dimension: str, value) -> str:
    return f"{dimension}:{value}"
