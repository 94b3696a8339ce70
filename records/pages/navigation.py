"""The Records menu, built from the registry: one group per kind app (its verbose name), each
kind's list page, then the pages kinds add beyond their lists (follow-ups, the tally)."""

from functools import cache

from django.apps import apps
from django.urls import reverse

from core.kinds import record_kinds


@cache
def _menu() -> tuple:
    groups: dict[str, dict] = {}
    for kind in record_kinds():
        group = groups.setdefault(kind.app, {"label": apps.get_app_config(kind.app).verbose_name, "links": []})
        group["links"].append({"label": kind.label_plural, "url": kind.url("list")})
    extra = [{"label": link.label, "url": reverse(link.url_name)} for k in record_kinds() for link in k.nav_links]
    return tuple(groups.values()), tuple(extra)


def records_menu(request) -> dict:
    """Context processor: the menu only for signed-in users (the login page has no navigation)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups, extra = _menu()
    return {"records_menu": groups, "records_menu_extra": extra}
