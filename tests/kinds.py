"""Every record kind with its sample data (declared by the kind, core.kinds.Sample), so tests can
sweep them all. A new kind is swept by every test that reads KINDS, with no edit here."""

from core.kinds import record_kinds

KINDS = record_kinds()
KIND_IDS = [k.slug for k in KINDS]
