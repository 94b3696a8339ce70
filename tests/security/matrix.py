"""The permission matrix of every UI and API route, as data: for each route and method, the
status each of the nine roles gets on the object at WH-QK-01 and on the one at WH-BBT.

Roles, in the order of every row (tests/security/world.py): outlet staff of WH-QK-01, manager
of WH-QK, manager of WH-BBT, analyst of WH, analyst at the root, metrics client of WH-QK (a knox
token for the API, a session for pages; aggregates only), an inactive user of WH-QK-01, anonymous; then staff_admin, WH-QK's manager who also
has the admin's staff status and every model permission but is no superuser: a row of eight
cells gives it the manager's cell, and the admin refuses it like every other role.

A cell is one value for both objects or "qk/bbt". Values are HTTP statuses, or "L" (302 to the
login page), "A" (302 to the admin's login page); "302" is any other redirect (done, or the
page the action leads to). Out of scope is 404, never 403 (403: in scope, but the role may not;
and every record, page or export the metrics client may not have, in scope or not).

The API rows reuse tests/api/matrix.py: its route → method → category table, with each
category (READ, RECORD_CREATE, ...) restated here for these eight roles.
"""

from django.contrib import admin

from core.kinds import record_kinds
from tests.api import matrix as api_matrix
from tests.security.world import ROLES

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
SUCCESS = {"200", "201", "204", "302"}


def row(text: str) -> dict[str, tuple[str, str]]:
    """Eight cells (or one for all); a ninth names staff_admin, who is otherwise WH-QK's manager."""
    cells = text.split()
    if len(cells) == 1:
        cells = cells * len(ROLES)
    if len(cells) == len(ROLES) - 1:
        cells.append(cells[ROLES.index("mgr_qk")])
    assert len(cells) == len(ROLES), text
    out = {}
    for role, cell in zip(ROLES, cells, strict=True):
        qk, _sep, bbt = cell.partition("/")
        out[role] = (qk, bbt or qk)
    return out


def only(rest: dict | None = None, **allowed: dict) -> dict:
    """The rows of the methods a route answers; every other method gets `rest` (405)."""
    return {method: allowed.get(method, rest or UI_NOT_ALLOWED) for method in METHODS}


# ---- HTML pages --------------------------------------------------------------------------
# The metrics client signs in with the browser too; it reads aggregates through the API only
# (branches/access.py), so every page but its API tokens and the API's documentation is 403
# to it, whatever the object, and the home page sends it on to its tokens.
#                     staff    mgr_qk   mgr_bbt  an_wh    an_root  metrics  inactive anon
HOME = row("          200      200      200      200      200      302      L        L")
HOME_NOT_ALLOWED = row("405    405      405      405      405      405      L        L")
UI_READ = row("       200      200      200      200      200      403      L        L")
UI_READ_OBJECT = row("200/404  200/404  404/200  200      200      403      L        L")
UI_NEW_FORM = row("   200      200      200      403      403      403      L        L")
UI_EDIT_FORM = row("  200/404  200/404  404/200  403      403      403      L        L")
UI_WRITE = row("      302/404  302/404  404/302  403      403      403      L        L")
UI_NOT_ALLOWED = row("405      405      405      405      405      403      L        L")
UI_NOT_ALLOWED_OPEN = row("405 405      405      405      405      403      405      405")
UI_SUBMIT = row("     403/404  302/404  404/302  403      403      403      L        L")
# A month is approved by a role strictly above the branch: WH-BBT's manager not for WH-BBT.
UI_DECIDE = row("     403/404  302/404  404/403  302      302      403      L        L")
UI_TARGETS_FORM = row("403/404  200/404  404/200  200      200      403      L        L")
UI_TARGETS_SET = row("403/404  302/404  404/302  302      302      403      L        L")
# One station in scope goes straight to its tally; the analysts choose among several.
UI_TALLY_PICK = row(" 302      302      302      200      200      403      L        L")
UI_GO_HOME = row("    302      302      302      302      302      403      L        L")
LOGIN_PAGE = row("    302      302      302      302      302      302      200      200")
LOGIN_POST = row("    302      302      302      302      302      302      200      200")
LOGIN_OTHER = row("   302      302      302      302      302      302      405      405")
# Ledger imports belong to the user who uploaded them (WH-QK-01's staff and WH-BBT's manager).
UI_JOB = row("        200/404  404      404/200  404      404      403      L        L")
UI_JOB_COMMIT = row(" 302/404  404      404/302  404      404      403      L        L")
UI_IMPORT_FORM = row("200      200      200      403      403      403      L        L")
UI_IMPORT_POST = row("400      400      400      403      403      403      L        L")  # no file attached
# Starting a background export: every reader may (no format chosen: 400).
UI_EXPORT_START = row("400     400      400      400      400      403      L        L")
# Notifications are their user's (WH-QK-01's staff and WH-BBT's manager); everyone has a list.
UI_NOTIFICATION = row("302/404  404      404/302  404      404      403      L        L")
# Asking to reopen a record's month: refused while the month is open (the World's records are).
UI_REOPEN_OPEN_MONTH = row("403/404 403/404 404/403 403 403 403 L L")
UI_MARK_ALL_READ = row("302     302      302      302      302      403      L        L")
# The bell's count is asked by every page's navigation bar, the metrics client's too.
UI_BELL = row("       200      200      200      200      200      200      L        L")
UI_BELL_OTHER = row(" 405      405      405      405      405      405      L        L")
# Any reader of the node keeps a draft of its highlights report of their own.
UI_OWN_DRAFT = row("  302/404  302/404  404/302  302      302      403      L        L")
EVERYONE_200, EVERYONE_302, EVERYONE_405, EVERYONE_L = row("200"), row("302"), row("405"), row("L")
# The admin is for superusers (config/admin_site.py): every admin page sends the roles,
# staff_admin included, to its login; the metrics client may not open it at all.
#                     staff    mgr_qk   mgr_bbt  an_wh    an_root  metrics  inactive anon
ADMIN_REFUSED = row(" A        A        A        A        A        403      A        A")
ADMIN_LOGIN = row("   200      200      200      200      200      403      200      200")
ADMIN_LOGOUT = row("  302      302      302      302      302      403      302      302")

UI: dict[str, dict] = {
    "home": only(HOME_NOT_ALLOWED, GET=HOME),
    "healthz": only(EVERYONE_405, GET=EVERYONE_200),
    "set_language": dict.fromkeys(METHODS, EVERYONE_302),  # Django's view: only POST switches; all redirect
    "login": only(LOGIN_OTHER, GET=LOGIN_PAGE, POST=LOGIN_POST),
    "logout": only(EVERYONE_405, POST=EVERYONE_L),
    # Choosers that search as you type (records/pages/choosers.py): each in the user's scope.
    "branch-choices": only(GET=UI_READ),
    "record-choices": only(GET=UI_READ),
    "staff-choices": only(GET=UI_READ),
    "services:home-visit-follow-ups": only(GET=UI_READ),
    "services:home-visit-follow-up-done": only(POST=UI_WRITE),
    "services:love-station-tally": only(GET=UI_TALLY_PICK),
    "services:love-station-tally-day": only(GET=UI_READ_OBJECT, POST=UI_WRITE),
    "antifraud:interventions-transition": only(POST=UI_WRITE),
    "antifraud:interventions-commendation": only(POST=UI_WRITE),
    "submissions:index": only(GET=UI_READ),
    "submissions:year": only(GET=UI_READ_OBJECT),
    "submissions:month": only(GET=UI_READ_OBJECT),
    "submissions:submit": only(POST=UI_SUBMIT),
    "submissions:nil-return": only(POST=UI_SUBMIT),
    "submissions:approve": only(POST=UI_DECIDE),
    "submissions:return": only(POST=UI_DECIDE),
    "submissions:reopen": only(POST=UI_DECIDE),
    "dashboard:home": only(GET=UI_GO_HOME),
    "dashboard:node": only(GET=UI_READ_OBJECT),
    "dashboard:export-xlsx": only(GET=UI_READ_OBJECT),
    "dashboard:export-csv": only(GET=UI_READ_OBJECT),
    "dashboard:targets": only(GET=UI_TARGETS_FORM, POST=UI_TARGETS_SET),
    "dashboard:targets-children": only(GET=UI_TARGETS_FORM, POST=UI_TARGETS_SET),
    "dashboard:targets-upload": only(POST=UI_TARGETS_SET),
    "dashboard:targets-template": only(GET=UI_TARGETS_FORM),
    "reports:build-new": only(POST=UI_OWN_DRAFT),
    "reports:build": only(GET=UI_JOB),
    "reports:build-status": only(GET=UI_JOB),
    "reports:build-file": only(GET=UI_JOB),
    "reminders:list": only(GET=UI_READ),
    "reminders:bell": only(UI_BELL_OTHER, GET=UI_BELL),
    "reminders:read-all": only(POST=UI_MARK_ALL_READ),
    "reminders:open": only(POST=UI_NOTIFICATION),
    "reminders:mark": only(POST=UI_NOTIFICATION),
    "reminders:request-reopen": only(POST=UI_REOPEN_OPEN_MONTH),
    "ledgers:index": only(GET=UI_READ),
    "ledgers:import": only(UI_NOT_ALLOWED_OPEN, GET=UI_IMPORT_FORM, POST=UI_IMPORT_POST),
    "ledgers:job": only(GET=UI_JOB),
    "ledgers:job-status": only(GET=UI_JOB),
    "ledgers:commit": only(POST=UI_JOB_COMMIT),
    "ledgers:template": only(GET=UI_READ),
    "ledgers:export-xlsx": only(GET=UI_READ),
    "ledgers:export-csv": only(GET=UI_READ),
    "ledgers:export-build": only(POST=UI_EXPORT_START),
    "reports:index": only(GET=UI_READ),
    "reports:highlights": only(GET=UI_READ_OBJECT),
    "reports:highlights-edit": only(GET=UI_READ_OBJECT, POST=UI_OWN_DRAFT),
    "reports:highlights-docx": only(GET=UI_READ_OBJECT),
    "reports:highlights-pdf": only(GET=UI_READ_OBJECT),
    "reports:evidence": only(GET=UI_READ_OBJECT, POST=UI_WRITE),
    "reports:evidence-zip": only(GET=UI_READ_OBJECT),
}
for kind in record_kinds():
    pages = f"{kind.app}:{kind.slug}"
    UI[f"{pages}-list"] = only(GET=UI_READ)
    UI[f"{pages}-new"] = only(GET=UI_NEW_FORM, POST=UI_WRITE)
    UI[f"{pages}-detail"] = only(GET=UI_READ_OBJECT, POST=UI_WRITE)  # POST attaches photos
    UI[f"{pages}-edit"] = only(GET=UI_EDIT_FORM, POST=UI_WRITE)
    UI[f"{pages}-delete"] = only(GET=UI_EDIT_FORM, POST=UI_WRITE)
    UI[f"{kind.app}:photo-file"] = only(GET=UI_READ_OBJECT)
    UI[f"{kind.app}:photo-thumb"] = only(GET=UI_READ_OBJECT)
    UI[f"{kind.app}:photo-delete"] = only(POST=UI_WRITE)

# ---- the REST API (tokens; the token page and Swagger UI are HTML of the browser session) ----
#                     staff    mgr_qk   mgr_bbt  an_wh    an_root  metrics  inactive anon
API_ROWS = {
    "READ": row("     200      200      200      200      200      200      401      401"),
    "READ_OBJECT": row("200/404 200/404 404/200  200      200      200/404  401      401"),
    # records: never to the metrics client (aggregates only)
    "RECORD_READ": row("200     200      200      200      200      403      401      401"),
    "RECORD_READ_OBJECT": row("200/404 200/404 404/200 200   200      403      401      401"),
    "RECORD_NOT_ALLOWED_SAFE": row("405 405    405      405      405      403      401      401"),
    "NOT_ALLOWED": row("405     405      405      405      405      403      401      401"),
    "NOT_ALLOWED_SAFE": row("405 405      405      405      405      405      401      401"),
    "RECORD_CREATE": row("201/400 201/400 400/201 403      403      403      401      401"),
    "RECORD_CHANGE": row("200/404 200/404 404/200 403      403      403      401      401"),
    "RECORD_DELETE": row("204/404 204/404 404/204 403      403      403      401      401"),
    "TARGET_SET": row("403/400  201/400  400/201  201      201      403      401      401"),
    "TARGET_CHANGE": row("403/404 200/404 404/200 200      200      403      401      401"),
    "TARGET_DELETE": row("403/404 204/404 404/204 204      204      403      401      401"),
    "SUBMIT": row("     403/400  201/400  400/201  403      403      403      401      401"),
    "RESUBMIT": row("   403/404  200/404  404/200  403      403      403      401      401"),
    "DECIDE": row("     403/404  200/404  404/403  200      200      403      401      401"),
    "METRICS_QUERY": row("200/400 200/400 400/200 200      200      200/400  401      401"),
    "LOGIN": row("      200      200      200      200      200      200      401      401"),
    "LOGIN_OTHER_METHODS": row("405"),
    "LOGOUT": row("     204      204      204      204      204      204      401      401"),
    "SCHEMA": row("     200      200      200      200      200      200      200      200"),
    "PUBLIC_OTHER_METHODS": row("405"),
    "DOCS": row("       200      200      200      200      200      200      L        L"),
    "DOCS_OTHER_METHODS": row("405"),
    "TOKEN_PAGE": row(" 200      200      200      200      200      200      L        L"),
    "TOKEN_PAGE_OTHER_METHODS": row("405 405  405      405      405      405      L        L"),
    "TOKEN_REVOKE": row("302     302      302      302      302      302      L        L"),
    # ledger imports through the API: the job is its uploader's; no file attached is a 400
    "LEDGER_JOB": row(" 200/404  404      404/200  404      404      403      401      401"),
    "LEDGER_IMPORT": row("400    400      400      403      403      403      401      401"),
    "LEDGER_EXPORT": row("200    200      200      200      200      403      401      401"),
}
_API_CATEGORY_NAMES = {id(value): name for name, value in vars(api_matrix).items() if name.isupper()}


def _api_row(category: dict) -> dict:
    return API_ROWS[_API_CATEGORY_NAMES[id(category)]]


API: dict[str, dict] = {
    f"api:{name}": {method: _api_row(category) for method, category in methods.items()}
    for name, methods in api_matrix.MATRIX.items()
}
_NOT_ALLOWED = API_ROWS["NOT_ALLOWED"]
API |= {
    "ledgers-api:job": only(_NOT_ALLOWED, GET=API_ROWS["LEDGER_JOB"]),
    "ledgers-api:import": only(_NOT_ALLOWED, GET=API_ROWS["RECORD_NOT_ALLOWED_SAFE"], POST=API_ROWS["LEDGER_IMPORT"]),
    "ledgers-api:export-xlsx": only(_NOT_ALLOWED, GET=API_ROWS["LEDGER_EXPORT"]),
    "ledgers-api:export-csv": only(_NOT_ALLOWED, GET=API_ROWS["LEDGER_EXPORT"]),
}

# ---- the Django admin: for system administrators only -----------------------------------
ADMIN: dict[str, dict] = {
    key: dict.fromkeys(METHODS, ADMIN_REFUSED)
    for key in (
        "admin:index",
        "admin:password_change",
        "admin:password_change_done",
        "admin:autocomplete",
        "admin:jsi18n",
        "admin:view_on_site",
        "admin:app_list",
        "admin:auth_user_password_change",
        "admin/(?P<url>.*)$",
    )
}
ADMIN["admin:login"] = only(UI_NOT_ALLOWED_OPEN, GET=ADMIN_LOGIN, POST=ADMIN_LOGIN, PUT=ADMIN_LOGIN)
ADMIN["admin:logout"] = dict.fromkeys(METHODS, ADMIN_LOGOUT)  # a non-staff visitor is sent to the admin's index
for model in admin.site._registry:
    label = f"{model._meta.app_label}_{model._meta.model_name}"
    for action in ("changelist", "add", "history", "delete", "change"):
        ADMIN[f"admin:{label}_{action}"] = dict.fromkeys(METHODS, ADMIN_REFUSED)
    ADMIN[f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"] = dict.fromkeys(
        METHODS, ADMIN_REFUSED
    )

MATRIX: dict[str, dict[str, dict[str, tuple[str, str]]]] = UI | API | ADMIN
