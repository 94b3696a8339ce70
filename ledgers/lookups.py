"""Branches and staff as the importing (or exporting) user may name them in a ledger.

Loaded once per file (one query each), so a 50,000-row ledger costs no query per row.
"""

from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _

from branches.access import WRITERS, access_for
from branches.models import Branch, Staff
from ledgers.cells import fold
from ledgers.columns import QUALIFIED_NAME, CellError, shown
from records.references import reachable_records


def _reaches(staff: Staff, branch: Branch) -> bool:
    """The rule of the record services: staff work at, below or above the record's branch."""
    return branch.path.startswith(staff.branch.path) or staff.branch.path.startswith(branch.path)


class Lookups:
    def __init__(self, user):
        self.user = user
        self.access = access_for(user)
        self._branches: dict[str, Branch] | None = None
        self._writable: dict[str, Branch | None] = {}
        self._staff: dict[str, list[Staff]] | None = None
        self._names: dict[str, set[Branch]] | None = None
        self._records: dict[type, dict[str, list]] = {}
        self._record_pks: dict[type, dict[int, object]] = {}

    @property
    def branches(self) -> dict[str, Branch]:
        if self._branches is None:
            self._branches = {b.code.upper(): b for b in Branch.objects.for_user(self.user)}
        return self._branches

    def writable_branch(self, code: str) -> Branch | None:
        key = code.strip().upper()
        if key not in self._writable:
            branch = self.branches.get(key)
            ok = branch is not None and self.access.can_write_records(branch)
            self._writable[key] = branch if ok else None
        return self._writable[key]

    def writable_branch_named(self, text: str) -> Branch | None:
        """A branch the user may record at, by its full or short name (full-width forms and
        spaces aside); CellError listing the candidates when the name is not unique."""
        if self._names is None:
            index = defaultdict(set)
            for branch in self.branches.values():
                for name in {branch.name, branch.short_name}:
                    if name and name.strip():
                        index[fold(name)].add(branch)
            self._names = index
        candidates = sorted(
            (b for b in self._names.get(fold(text), ()) if self.writable_branch(b.code) is not None),
            key=lambda b: b.code,
        )
        if len(candidates) > 1:
            raise CellError(
                _("“%(name)s” names several branches: %(candidates)s. Write the branch code instead.")
                % {"name": shown(text), "candidates": "、".join(f"{b.name}({b.code})" for b in candidates)}
            )
        return candidates[0] if candidates else None

    def writable(self):
        """The branches the user may record at, as a query (a head office's scope holds tens of
        thousands: a template lists their codes without loading them)."""
        scope = Branch.objects.for_user(self.user)
        if self.access.sees_everything:
            return scope
        paths = [m.branch.path for m in self.access.memberships if m.role in WRITERS]
        if not paths:
            return scope.none()
        q = Q()
        for path in paths:
            q |= Q(path__startswith=path)
        return scope.filter(q)

    def writable_codes(self) -> list[str]:
        return list(self.writable().values_list("code", flat=True))

    @property
    def staff(self) -> dict[str, list[Staff]]:
        if self._staff is None:
            index = defaultdict(list)
            for member in Staff.objects.for_user(self.user).select_related("branch"):
                index[member.name.strip()].append(member)
            self._staff = dict(index)
        return self._staff

    def staff_named(self, text: str, branch: Branch) -> Staff:
        name, code = text, None
        match = QUALIFIED_NAME.match(text)
        if match and match.group("code").upper() in self.branches:
            name, code = match.group("name"), match.group("code").upper()
        candidates = [
            s
            for s in self.staff.get(name.strip(), ())
            if _reaches(s, branch) and (code is None or s.branch.code.upper() == code)
        ]
        if not candidates:
            raise CellError(
                _("No staff member named “%(name)s” works at %(branch)s or above or below it.")
                % {"name": shown(text), "branch": branch.code}
            )
        if len(candidates) > 1:
            codes = "、".join(f"{s.name}({s.branch.code})" for s in candidates)
            raise CellError(
                _("“%(name)s” could be any of %(codes)s: write the name with its branch code.")
                % {"name": shown(text), "codes": codes}
            )
        return candidates[0]

    def staff_label(self, staff: Staff, branch: Branch) -> str:
        """The name, with the branch code when a namesake is reachable from the same record."""
        namesakes = [s for s in self.staff.get(staff.name.strip(), ()) if _reaches(s, branch)]
        if len(namesakes) > 1:
            return f"{staff.name}({staff.branch.code})"
        return staff.name

    # --- other records named in a column (a partnership on an activity) -------------------

    def records_of(self, model) -> dict[str, list]:
        """The records of `model` the user may name, by their ledger name (one query per file)."""
        if model not in self._records:
            index = defaultdict(list)
            for record in reachable_records(model, self.user).select_related("branch").order_by("pk"):
                index[getattr(record, model.ledger_name).strip()].append(record)
            self._records[model] = dict(index)
            self._record_pks[model] = {r.pk: r for records in index.values() for r in records}
        return self._records[model]

    def record_by_pk(self, model, pk):
        self.records_of(model)
        return self._record_pks[model][pk]

    def record_named(self, model, text: str, branch: Branch, day=None):
        index = self.records_of(model)
        candidates = [r for r in index.get(text.strip(), ()) if _reaches(r, branch)]
        match = QUALIFIED_NAME.match(text)
        if match:  # “name(CODE)”: the code of a branch at, above or below the record's (not always in scope)
            name, code = match.group("name").strip(), match.group("code").strip().upper()
            qualified = [r for r in index.get(name, ()) if _reaches(r, branch) and r.branch.code.upper() == code]
            candidates = qualified or candidates
        if len(candidates) > 1 and day is not None:
            in_force = [r for r in candidates if not r.reference_date_errors(day)]
            candidates = in_force or candidates
        what = model._meta.verbose_name
        if not candidates:
            raise CellError(
                _("No %(what)s named “%(name)s” at %(branch)s or above or below it.")
                % {"what": what, "name": shown(text), "branch": branch.code}
            )
        if len(candidates) > 1:
            codes = "、".join(f"{r}({r.branch.code})" for r in candidates)
            raise CellError(
                _("Several records are named “%(name)s”: %(codes)s; write the name with its branch code.")
                % {"name": shown(text), "codes": codes}
            )
        return candidates[0]

    def record_label(self, record, branch: Branch) -> str:
        """The ledger name, with the branch code when a namesake is reachable from the same record."""
        name = getattr(record, type(record).ledger_name).strip()
        namesakes = [r for r in self.records_of(type(record)).get(name, ()) if _reaches(r, branch)]
        return f"{name}({record.branch.code})" if len(namesakes) > 1 else name
