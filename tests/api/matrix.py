"""The API's permission matrix as data: for every route and method, the status each role gets
on an object in its own scope and on one outside it ("own/other"; one number: both).

Roles, in the order of every row: outlet staff of WH-QK-01, manager of WH-QK, analyst of WH,
metrics client of WH (token), manager of SH (an outsider to WH), an inactive user, anonymous.
The metrics client reads aggregates only: metrics, branches, targets and submissions, never
records (RECORD_READ*: 403), and writes nothing.
"""

from core.kinds import record_kinds

ROLES = ("outlet_staff", "manager", "analyst", "metrics", "outsider", "inactive", "anonymous")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def row(text: str) -> dict[str, tuple[int, int]]:
    cells = text.split()
    assert len(cells) == len(ROLES), text
    out = {}
    for role, cell in zip(ROLES, cells, strict=True):
        own, _sep, other = cell.partition("/")
        out[role] = (int(own), int(other or own))
    return out


#                  staff    manager  analyst  metrics  outsider inactive anonymous
READ = row("200      200      200      200      200      401      401")
READ_OBJECT = row("200/404  200/404  200/404  200/404  200/404  401      401")
# Metrics clients read aggregates only (branches/access.py): no record, in scope or not.
RECORD_READ = row("200      200      200      403      200      401      401")
RECORD_READ_OBJECT = row("200/404  200/404  200/404  403      200/404  401      401")
RECORD_NOT_ALLOWED_SAFE = row("405      405      405      403      405      401      401")
NOT_ALLOWED = row("405      405      405      403      405      401      401")
NOT_ALLOWED_SAFE = row("405      405      405      405      405      401      401")

RECORD_CREATE = row("201/400  201/400  403/400  403      201/400  401      401")
RECORD_CHANGE = row("200/404  200/404  403/404  403      200/404  401      401")
RECORD_DELETE = row("204/404  204/404  403/404  403      204/404  401      401")

TARGET_SET = row("403/400  201/400  201/400  403      201/400  401      401")
TARGET_CHANGE = row("403/404  200/404  200/404  403      200/404  401      401")
TARGET_DELETE = row("403/404  204/404  204/404  403      204/404  401      401")

SUBMIT = row("403/400  201/400  403/400  403      201/400  401      401")
RESUBMIT = row("403/404  200/404  403/404  403      200/404  401      401")
DECIDE = row("403/404  200/404  200/404  403      200/404  401      401")

METRICS_QUERY = row("200/400  200/400  200/400  200/400  200/400  401      401")

LOGIN = row("200      200      200      200      200      401      401")
LOGIN_OTHER_METHODS = row("405      405      405      405      405      405      405")
LOGOUT = row("204      204      204      204      204      401      401")
SCHEMA = row("200      200      200      200      200      401      401")
DOCS = row("200      200      200      200      200      401      302")
DOCS_OTHER_METHODS = row("405      405      405      405      405      401      405")
# The HTML token page uses the browser session; a token is no session.
TOKEN_PAGE = row("200      200      200      200      200      302      302")
TOKEN_PAGE_OTHER_METHODS = row("405      405      405      405      405      302      302")
TOKEN_REVOKE = row("302      302      302      302      302      302      302")


def _record_routes(slug: str) -> dict:
    return {
        f"{slug}-list": {
            "GET": RECORD_READ,
            "POST": RECORD_CREATE,
            "PUT": NOT_ALLOWED,
            "PATCH": NOT_ALLOWED,
            "DELETE": NOT_ALLOWED,
        },
        f"{slug}-detail": {
            "GET": RECORD_READ_OBJECT,
            "POST": NOT_ALLOWED,
            "PUT": RECORD_CHANGE,
            "PATCH": RECORD_CHANGE,
            "DELETE": RECORD_DELETE,
        },
    }


def _action(post: dict) -> dict:
    return {"GET": NOT_ALLOWED_SAFE, "POST": post, "PUT": NOT_ALLOWED, "PATCH": NOT_ALLOWED, "DELETE": NOT_ALLOWED}


RECORD_SLUGS = tuple(kind.slug for kind in record_kinds())  # every kind of the registry

MATRIX: dict[str, dict[str, dict]] = {
    **{name: methods for slug in RECORD_SLUGS for name, methods in _record_routes(slug).items()},
    "interventions-transition": _action(RECORD_CHANGE) | {"GET": RECORD_NOT_ALLOWED_SAFE},
    "branch-list": {"GET": READ, **{m: NOT_ALLOWED for m in METHODS if m != "GET"}},
    "branch-detail": {"GET": READ_OBJECT, **{m: NOT_ALLOWED for m in METHODS if m != "GET"}},
    "target-list": {"GET": READ, "POST": TARGET_SET, "PUT": NOT_ALLOWED, "PATCH": NOT_ALLOWED, "DELETE": NOT_ALLOWED},
    "target-detail": {
        "GET": READ_OBJECT,
        "POST": NOT_ALLOWED,
        "PUT": TARGET_CHANGE,
        "PATCH": TARGET_CHANGE,
        "DELETE": TARGET_DELETE,
    },
    "submission-list": {"GET": READ, "POST": SUBMIT, "PUT": NOT_ALLOWED, "PATCH": NOT_ALLOWED, "DELETE": NOT_ALLOWED},
    "submission-detail": {"GET": READ_OBJECT, **{m: NOT_ALLOWED for m in METHODS if m != "GET"}},
    "submission-submit": _action(RESUBMIT),
    "submission-nil-return": _action(RESUBMIT),
    "submission-approve": _action(DECIDE),
    "submission-return": _action(DECIDE),
    "submission-reopen": _action(DECIDE),
    "metrics": {"GET": METRICS_QUERY, **{m: NOT_ALLOWED for m in METHODS if m != "GET"}},
    "login": {"POST": LOGIN, **{m: LOGIN_OTHER_METHODS for m in METHODS if m != "POST"}},
    "logout": {"POST": LOGOUT, **{m: NOT_ALLOWED_SAFE for m in METHODS if m != "POST"}},
    "logout-all": {"POST": LOGOUT, **{m: NOT_ALLOWED_SAFE for m in METHODS if m != "POST"}},
    "schema": {"GET": SCHEMA, **{m: NOT_ALLOWED_SAFE for m in METHODS if m != "GET"}},
    "docs": {"GET": DOCS, **{m: DOCS_OTHER_METHODS for m in METHODS if m != "GET"}},
    "tokens": {"GET": TOKEN_PAGE, **{m: TOKEN_PAGE_OTHER_METHODS for m in METHODS if m != "GET"}},
    "token-revoke": {"POST": TOKEN_REVOKE, **{m: TOKEN_PAGE_OTHER_METHODS for m in METHODS if m != "POST"}},
}
