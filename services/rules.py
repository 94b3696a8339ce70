"""The domain rules the customer-service kinds' labels state, one function each.

Each answers the errors of a value ([] when it is valid). The models' clean() calls them, and
every write path runs clean(): the services (UI forms, API, admin) through full_clean(), the
bulk writer (ledger imports, demo data) through its per-row cleaner. A many-to-many value is
judged as the write leaves it (Record.related: the value the write sets, else the saved one).
"""

from django.utils.translation import gettext as _

# A home visit is made by two staff members together (the form's label: 上门员工（双人）).
HOME_VISIT_TEAM = 2
# Only an annuity mandate (企业年金受托) covers more than one entity: a loan serves one.
MANY_ENTITY_PRODUCTS = frozenset({"annuity_trustee"})


def home_visit_team_errors(staff) -> list[str]:
    """A home visit names at least two distinct staff members."""
    given = len({getattr(member, "pk", member) for member in staff or ()})
    if given >= HOME_VISIT_TEAM:
        return []
    return [
        _("Staff (team of two): a home visit is made by two staff members; name at least %(n)s (%(given)s named).")
        % {"n": HOME_VISIT_TEAM, "given": given}
    ]


def entities_covered_errors(product: str, entities, product_label="") -> list[str]:
    """More than one entity covered only for a product that covers many (an annuity mandate)."""
    if entities is None or entities <= 1 or product in MANY_ENTITY_PRODUCTS:
        return []
    return [
        _(
            "Entities covered: only an annuity mandate (企业年金受托) covers more than one entity; "
            "%(product)s serves one (%(given)s given)."
        )
        % {"product": product_label or product, "given": entities}
    ]
