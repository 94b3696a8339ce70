"""What stands out among interventions: the police-attended and confirmed cases, on dashboards
and as stories in the highlights report."""

from antifraud.models import Intervention

CASE_STATUSES = (Intervention.Status.POLICE_ATTENDED, Intervention.Status.CONFIRMED)


def notable_interventions(interventions, limit: int) -> list:
    return list(
        interventions.filter(status__in=CASE_STATUSES).select_related("branch").order_by("-occurred_on", "-id")[:limit]
    )


def intervention_cases(interventions, limit: int) -> dict[str, list]:
    picked = interventions.filter(status__in=CASE_STATUSES).select_related("branch").order_by("occurred_on", "id")
    return {"interventions": list(picked[:limit])}
