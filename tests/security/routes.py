"""Every route of the URLconf, and a concrete URL for each built from real objects of the World.

`all_routes()` walks django.urls.get_resolver() recursively. `build(world, route, target)`
fills the route's arguments with the object at WH-QK-01 (target "qk") or WH-BBT ("bbt"): a
record of the route's kind, a branch code, a photo, a submission, a ledger import's token, an
admin object... A route with arguments that no rule here knows raises CannotBuild, so a new
route fails the tests until someone says how to reach it: nothing is skipped silently.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from branches.models import Staff
from core.kinds import kind_for_slug, record_kinds
from tests.security.world import DAY, MONTHS, PHOTO_KINDS, World

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


class CannotBuild(Exception):
    """A route whose arguments no rule of tests/security/routes.py can fill."""


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the pattern of an unnamed route
    pattern: str  # as ResolverMatch.route spells it
    callback: Callable

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(m["name"] or m["group"] for m in PARAM.finditer(self.pattern))

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")


def _walk(resolver, prefix: str, namespace: str):
    for pattern in resolver.url_patterns:
        text = str(pattern.pattern)
        full = prefix + text.removeprefix("^") if prefix else text
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from _walk(pattern, full, inner or namespace)
        elif isinstance(pattern, URLPattern):
            key = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or full)
            yield Route(key, full, pattern.callback)


def all_routes() -> list[Route]:
    routes = list(_walk(get_resolver(), "", ""))
    keys = [r.key for r in routes]
    duplicates = {k for k in keys if keys.count(k) > 1}
    assert not duplicates, f"two routes share a name: {duplicates}"
    return routes


def concrete(route: Route, values: dict) -> str:
    """The route's pattern with each argument replaced by its value, checked by resolving it."""
    missing = set(route.params) - set(values)
    if missing:
        raise CannotBuild(f"{route.key}: no value for {sorted(missing)}")
    path = PARAM.sub(lambda m: str(values[m["name"] or m["group"]]), route.pattern)
    path = "/" + path.replace("^", "").replace("$", "")
    if re.search(r"[()\[\]{}*+?|\\]", path):
        raise CannotBuild(f"{route.key}: cannot turn {route.pattern!r} into a URL")
    match = resolve(path)
    if match.route != route.pattern or match.func != route.callback:
        raise CannotBuild(f"{route.key}: {path} resolves to {match.route!r}, not {route.pattern!r}")
    return path


# ---- the arguments of each route ------------------------------------------------------------


def _slug_of(key: str) -> str:
    """home-visits of services:home-visits-edit or api:home-visits-detail."""
    name = key.split(":")[-1]
    for action in ("-list", "-new", "-detail", "-edit", "-delete", "-transition", "-commendation"):
        if name.endswith(action):
            return name.removesuffix(action)
    return name


def _record(world, route, target):
    return {"pk": world.record(_slug_of(route.key), target).pk}


def _photo(world, route, target):
    namespace = route.key.split(":")[0]
    slug = PHOTO_KINDS[namespace]
    return {"kind": slug, "pk": world.record(slug, target).pk, "photo": world.photos[slug, target].pk}


SUBMISSION_STATE = {
    "submit": "returned",
    "nil-return": "returned",
    "approve": "submitted",
    "return": "submitted",
    "reopen": "approved",
    "month": "submitted",
    "detail": "submitted",
}


def _submission_month(world, route, target):
    state = SUBMISSION_STATE[route.key.split(":")[-1]]
    months = getattr(world, "months", MONTHS)  # the benchmark's world keeps its own months
    return {"code": world.code(target), "month": months[state].strftime("%Y-%m")}


def _api_submission(world, route, target):
    state = SUBMISSION_STATE[route.key.removeprefix("api:submission-")]
    return {"pk": world.submissions[target, state].pk}


def _admin(world: World, route: Route, target: str) -> dict:
    values = {}
    if "content_type_id" in route.params:  # "view on site"
        record = world.record("home-visits", target)
        values["content_type_id"] = ContentType.objects.get_for_model(record).pk
        values["object_id"] = record.pk
    elif "object_id" in route.params:
        values["object_id"] = admin_object(world, _admin_model(route), target).pk
    if "id" in route.params:  # the user's password form
        values["id"] = admin_object(world, get_user_model(), target).pk
    if "app_label" in route.params:
        values["app_label"] = "branches"
    if "url" in route.params:  # the catch-all
        values["url"] = "no-such-page/"
    if route.key == "admin:autocomplete":  # a search box's answer: the branches a code matches
        field = {"app_label": "services", "model_name": "homevisit", "field_name": "branch"}
        values["?"] = urlencode(field | {"term": world.code(target)})
    return values


def _admin_model(route: Route):
    match = re.match(r"admin/(\w+)/(\w+)/", route.pattern)
    if not match:
        raise CannotBuild(f"{route.key}: which model's object does {route.pattern!r} take?")
    return apps.get_model(match[1], match[2])


def admin_object(world: World, model, target: str):
    """A real object of the model, at the target branch where the model has one."""
    found = world.admin_objects.get((model._meta.label, target))
    if found is not None:
        return found
    kind = next((k for k in record_kinds() if k.model is model), None)
    if kind is not None:
        return world.record(kind.slug, target)
    if any(f.name == "branch" for f in model._meta.fields):
        obj = model.objects.filter(branch__path__startswith=world.branch(target).path).order_by("pk").first()
        if obj is not None:
            return obj
    raise CannotBuild(f"no {model._meta.label} object for the admin URLs: add one to World.admin_objects")


KIND_APPS = "|".join(sorted({k.app for k in record_kinds()}))  # the URL namespaces of the entry pages

RULES: list[tuple[str, Callable]] = [
    # entry pages of every record kind, and their photos
    (rf"^({KIND_APPS}):photo-(file|thumb|delete)$", _photo),
    (rf"^({KIND_APPS}):[\w-]+-(detail|edit|delete|transition|commendation)$", _record),
    (r"^services:home-visit-follow-up-done$", lambda w, r, t: {"pk": w.record("home-visits", t).pk}),
    (r"^services:love-station-tally-day$", lambda w, r, t: {"station": w.branch(t).pk, "day": DAY.isoformat()}),
    # the chooser of the records another record names (a partnership)
    (r"^record-choices$", lambda w, r, t: {"kind": "partnerships"}),
    # submissions and dashboards
    (r"^submissions:(month|submit|nil-return|approve|return|reopen)$", _submission_month),
    (r"^submissions:year$", lambda w, r, t: {"code": w.code(t), "year": 2025}),
    (
        r"^dashboard:(node|export-xlsx|export-csv|targets|targets-children|targets-upload|targets-template)$",
        lambda w, r, t: {"code": w.code(t)},
    ),
    # ledgers (the UI and the API)
    (r"^ledgers:(job|job-status|commit)$|^ledgers-api:job$", lambda w, r, t: {"token": w.jobs[t].token}),
    (
        r"^ledgers:(template|export-xlsx|export-csv|export-build)$|^ledgers-api:(import|export-xlsx|export-csv)$",
        lambda w, r, t: {"slug": "home-visits"},
    ),
    # notifications: each is its user's (WH-QK-01's staff and WH-BBT's manager)
    (r"^reminders:(open|mark)$", lambda w, r, t: {"pk": w.notifications[t].pk}),
    # a request to reopen the month of a record (the World's records are in an open month)
    (r"^reminders:request-reopen$", lambda w, r, t: {"kind": "home-visits", "pk": w.record("home-visits", t).pk}),
    # the REST API
    (r"^api:[\w-]+-detail$|^api:interventions-transition$", lambda w, r, t: _api_detail(w, r, t)),
    (r"^api:submission-(submit|nil-return|approve|return|reopen)$", _api_submission),
    (r"^api:metrics$", lambda w, r, t: {"?": f"branch={w.code(t)}&period=2025"}),
    # reports: the highlights of a node, the evidence packs of a node for an evaluation scheme
    (r"^reports:highlights(-edit|-docx|-pdf)?$", lambda w, r, t: {"code": w.code(t)}),
    (r"^reports:evidence(-zip)?$", lambda w, r, t: {"code": w.code(t), "scheme": w.scheme.code}),
    # documents built in the background: each is its user's
    (r"^reports:build(-status|-file)?$", lambda w, r, t: {"token": w.builds[t].token}),
    # the Django admin
    (r"^admin:|^admin/", _admin),
]


def _api_detail(world, route, target):
    name = route.key.removeprefix("api:")
    if name == "branch-detail":
        return {"code": world.code(target)}
    if name == "target-detail":
        return {"pk": world.targets[target].pk}
    if name == "submission-detail":
        return _api_submission(world, route, target)
    if name == "staff-detail":
        return {"pk": Staff.objects.filter(branch__path__startswith=world.branch(target).path).order_by("pk")[0].pk}
    slug = _slug_of(route.key)
    if kind_for_slug(slug) is None:
        raise CannotBuild(f"{route.key}: unknown API resource {slug}")
    return {"pk": world.record(slug, target).pk}


def arguments(world: World, route: Route, target: str) -> dict:
    for pattern, rule in RULES:
        if re.search(pattern, route.key):
            return rule(world, route, target)
    if route.params:
        raise CannotBuild(f"{route.key} ({route.pattern}) takes {route.params}: add a rule to tests/security/routes.py")
    return {}


def build(world: World, route: Route, target: str) -> str:
    """The URL of the route for the object at the target (query string included)."""
    values = arguments(world, route, target)
    query = values.pop("?", "")
    path = concrete(route, values)
    return f"{path}?{query}" if query else path
