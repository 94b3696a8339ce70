"""The record-reading part of a dashboard: titles whose validity ends soon and the notable
records, rendered once and kept like the store part (dashboards/cache.py), but under the
versions of the kinds they show (core.freshness topics): saving a home visit, the usual write,
leaves them cached; saving an intervention, an honour, a photo of one or a staff member (an
honour names its recipient) in the subtree replaces them.

Kept only when what the user sees of the subtree is the whole subtree, the one question
ScopedQuerySet.for_user_in_subtree reduces to whenever the node lies in the user's scope, which
every dashboard the user may open does: nothing kept depends on who asked.
"""

from django.template.loader import render_to_string

from branches.access import access_for
from branches.models import Staff
from core.freshness import topic_token
from core.kinds import record_kinds
from core.periods import Period
from dashboards.cache import cached_section
from dashboards.lapsing import LAPSE_WARNING_DAYS, lapsing_titles
from dashboards.notable import notable_records


def record_topics() -> list[str]:
    """What the part shows: the kinds that declare notable or lapsing records, and the staff
    they name."""
    kinds = [kind.model for kind in record_kinds() if kind.notable is not None or kind.lapsing is not None]
    return sorted({model._meta.label_lower for model in [*kinds, Staff]})


def records_part(user, branch, period: Period) -> dict:
    """{"lapsing": html, "notable": html}, plus the lists themselves when built in this request
    (the tests read them)."""

    def build() -> dict:
        lapsing = lapsing_titles(user, branch)
        notable = notable_records(user, branch, period)
        return {
            "lapsing": render_to_string(
                "dashboards/_lapsing.html", {"lapsing": lapsing, "lapse_days": LAPSE_WARNING_DAYS}
            ),
            "notable": render_to_string("dashboards/_notable.html", {"notable": notable}),
            "built": {"lapsing": lapsing, "notable": notable},
        }

    access = access_for(user)
    if not (access.sees_everything or access.in_scope(branch)):
        return build()
    return cached_section(
        "records", lambda: topic_token(branch.pk, record_topics()), branch.pk, period.text, build, drop=("built",)
    )
