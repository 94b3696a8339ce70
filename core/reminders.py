"""A reminder found due: what the reminders feature (reminders/) sends. Kind apps find their own
(a home visit's follow-up, a title lapsing) and declare the finders in the registry
(core.kinds.RecordKind.reminders); the feature collects them."""

from dataclasses import dataclass, field

from django.conf import settings


@dataclass(frozen=True)
class Due:
    kind: str
    branch: object  # branches.Branch
    key: str
    url: str
    roles: frozenset
    params: dict = field(default_factory=dict)


def reminder_setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))
