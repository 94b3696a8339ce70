"""ETag and If-Match: a record's tag is its id and version; a stale If-Match is refused (412)."""

import re

from django.utils.translation import gettext as _

from records.api.exceptions import PreconditionFailed

_TAG = re.compile(r'^(?:W/)?"(\d+)-(\d+)"$')


def etag(obj) -> str:
    return f'"{obj.pk}-{obj.version}"'


def expected_version(request, obj) -> int | None:
    """The version the client edited, from If-Match; None when it sent none (or `*`).

    A tag that names another record or cannot be read is refused at once: it can never match.
    """
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    versions = []
    for part in header.split(","):
        match = _TAG.match(part.strip())
        if match and int(match[1]) == obj.pk:
            versions.append(int(match[2]))
    if not versions:
        raise PreconditionFailed(_("If-Match does not name this record's current version."))
    return obj.version if obj.version in versions else versions[0]


def check_if_match(request, obj) -> None:
    """For objects whose service takes no expected_version: compare under the caller's lock."""
    wanted = expected_version(request, obj)
    if wanted is not None and wanted != obj.version:
        raise PreconditionFailed()
