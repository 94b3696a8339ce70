"""What stands out among customer services: large cash services for schools and institutions,
told as stories in the highlights report."""

from services.models import LARGE_CASH_PIECES, STORY_CUSTOMER_TYPES


def cash_service_cases(services, limit: int) -> dict[str, list]:
    picked = (
        services.filter(
            customer_type__in=STORY_CUSTOMER_TYPES,
            pieces_counted__gte=LARGE_CASH_PIECES,
        )
        .select_related("branch")
        .order_by("-pieces_counted", "id")
    )
    return {"cash": list(picked[:limit])}
