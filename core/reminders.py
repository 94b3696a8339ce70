"""A reminder found due: what the reminders feature (reminders/) sends. Kind apps find their own
(a home visit's follow-up, a title lapsing) and declare the finders in the registry
(core.kinds.RecordKind.reminders); the feature collects them."""

import contextlib
from contextvars import ContextVar
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


# The reminders' schedule entry gives its own values (its keyword arguments, edited by an
# administrator: background/schedules.py); they win over the settings for that run.
_overrides: ContextVar[dict | None] = ContextVar("reminder_settings", default=None)


def reminder_setting(name: str, default: int) -> int:
    given = _overrides.get() or {}
    if name in given:
        return int(given[name])
    return int(getattr(settings, name, default))


@contextlib.contextmanager
def reminder_settings(values: dict[str, int]):
    """Within the block, reminder_setting(name) is values[name] where given."""
    token = _overrides.set({**(_overrides.get() or {}), **values})
    try:
        yield
    finally:
        _overrides.reset(token)
