"""record_bulk_create writes what record_create writes, row for row (records, the roll-up
store), all or nothing, audited by one entry for the batch. With COPY_THRESHOLD at 1 every bulk
write here goes through COPY on PostgreSQL; on SQLite the same tests check bulk_create."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction

from audit.history import history
from audit.models import AuditEntry
from branches.models import Branch
from core.kinds import kind_for_slug
from metrics import rollup as store
from metrics.models import MetricValue
from records import services as recording
from records.bulk import RecordBuilder
from records.services import BulkValidationError, record_bulk_check, record_bulk_create, record_create
from services.models import HomeVisit
from submissions.services import submission_approve, submission_submit
from tests.conftest import record_data
from tests.kinds import KIND_IDS, KINDS

pytestmark = pytest.mark.django_db
SKIPPED = {"id", "created_at", "updated_at"}


@pytest.fixture(autouse=True)
def copy_always(monkeypatch):
    monkeypatch.setattr(recording, "COPY_THRESHOLD", 1)


def rows_of(kind_name, net, n, **extra):
    """n rows of the kind's sample, a day apart; the many-to-many values (a home visit's team)
    left out: m2m_of() gives them, as record_create and record_bulk_create take them apart."""
    data = record_data(kind_name, net, extra.get("branch"))
    fields = {k: v for k, v in data.items() if k not in kind_for_slug(kind_name).m2m}
    return [fields | {"occurred_on": datetime.date(2025, 8, 14) - datetime.timedelta(days=i)} | extra for i in range(n)]


def m2m_of(kind_name, net, rows) -> list[dict]:
    """Each row's many-to-many values: the sample's, at the row's branch."""
    names = kind_for_slug(kind_name).m2m
    return [{k: v for k, v in record_data(kind_name, net, row["branch"]).items() if k in names} for row in rows]


def effects(model, write):
    """What `write()` leaves (its records, the audit entries of its kind, the store), then rolled back."""
    with transaction.atomic():
        kind = ContentType.objects.get_for_model(model)
        before = set(AuditEntry.objects.filter(content_type=kind).values_list("id", flat=True))
        objs = write()
        records = [
            {k: v for k, v in row.items() if k not in SKIPPED}
            for row in model.objects.filter(pk__in=[o.pk for o in objs]).order_by("id").values()
        ]
        entries = list(AuditEntry.objects.filter(content_type=kind).exclude(id__in=before).order_by("id"))
        histories = [[e.pk for e in history(obj)] for obj in objs]
        result = (records, store.current_store(), objs, entries, histories)
        transaction.set_rollback(True)
    return result


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_bulk_create_writes_what_single_creates_write(net, kind):
    rows = rows_of(kind.slug, net, 3)
    m2m = m2m_of(kind.slug, net, rows)
    singles = effects(
        kind.model,
        lambda: [record_create(kind.model, user=net.root_user, m2m=m, **row) for row, m in zip(rows, m2m, strict=True)],
    )
    bulk = effects(kind.model, lambda: record_bulk_create(kind.model, user=net.root_user, rows=rows, m2m_rows=m2m))
    assert bulk[0] == singles[0] and len(bulk[0]) == 3
    assert bulk[1] == singles[1] and bulk[1][0]
    # One entry for the batch, naming its three records, in each record's history.
    objs, (entry,), histories = bulk[2], bulk[3], bulk[4]
    assert entry.action == "create" and entry.user == net.root_user and entry.branch == objs[0].branch
    ids = sorted(o.pk for o in objs)
    assert entry.changes == {"records": 3, "ids": [[ids[0], ids[-1]]]} and ids[-1] - ids[0] == 2
    assert (entry.object_id, entry.last_object_id) == (ids[0], ids[-1])
    assert histories == [[entry.pk]] * 3
    assert len(singles[3]) == 3 and singles[4] == [[e.pk] for e in singles[3]]


def test_a_batch_entry_names_exactly_its_records(net, staff_qk):
    rows = rows_of("home-visits", net, 2)
    m2m = m2m_of("home-visits", net, rows)
    first = record_bulk_create(HomeVisit, user=staff_qk, rows=rows, m2m_rows=m2m)
    between = record_create(HomeVisit, user=staff_qk, m2m=m2m[0], **rows[0])
    entry = AuditEntry.objects.get(last_object_id__isnull=False)
    entry.changes["ids"] = [[first[0].pk, first[0].pk], [between.pk + 1, between.pk + 5]]
    entry.last_object_id = between.pk + 5
    entry.save()
    assert [e.action for e in history(between)] == ["create"] and history(between)[0].pk != entry.pk
    assert [e.pk for e in history(first[0])] == [entry.pk]
    assert history(first[1]) == []


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_lean_instances_are_what_the_model_builds(net, kind):
    fields = rows_of(kind.slug, net, 1, notes="备注")[0]
    lean, built = RecordBuilder(kind.model)(fields), kind.model(**fields)
    assert RecordBuilder(kind.model).fast
    assert {k: v for k, v in lean.__dict__.items() if k != "_state"} == {
        k: v for k, v in built.__dict__.items() if k != "_state"
    }
    assert lean._state.fields_cache == built._state.fields_cache and lean._state.adding


def test_lean_instances_refuse_what_the_model_refuses(net):
    with pytest.raises(TypeError):
        RecordBuilder(HomeVisit)(rows_of("home-visits", net, 1)[0] | {"no_such_field": 1})
    with pytest.raises(ValueError):
        RecordBuilder(HomeVisit)(rows_of("home-visits", net, 1)[0] | {"branch": net.root_user})


def test_a_large_import_is_stored_and_verifies(net, staff_qk):
    rows = rows_of("home-visits", net, 700)
    created = record_bulk_create(HomeVisit, user=staff_qk, rows=rows, m2m_rows=m2m_of("home-visits", net, rows))
    assert HomeVisit.objects.count() == 700 and len({o.pk for o in created}) == 700
    (entry,) = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(HomeVisit))
    assert entry.changes["records"] == 700 and all(history(o) == [entry] for o in created[::50])
    call_command("rebuild_metrics", "--verify")  # raises when the store differs from the records


def test_bad_rows_anywhere_write_nothing_and_are_all_listed(net, staff_qk):
    rows = rows_of("home-visits", net, 600)
    rows[350]["notes"] = "客户手机 13912345678"
    rows[599]["occurred_on"] = datetime.date.today() + datetime.timedelta(days=3)
    counts = (HomeVisit.objects.count(), AuditEntry.objects.count(), MetricValue.objects.count())
    with pytest.raises(BulkValidationError) as raised:
        record_bulk_create(HomeVisit, user=staff_qk, rows=rows, m2m_rows=m2m_of("home-visits", net, rows))
    assert sorted(raised.value.errors) == [350, 599]
    assert set(raised.value.errors[350]) == {"notes"}
    assert (HomeVisit.objects.count(), AuditEntry.objects.count(), MetricValue.objects.count()) == counts


def test_a_locked_month_refuses_its_rows_only(net, staff_qk, manager_qk, analyst_wh):
    locked_day = datetime.date(2025, 6, 10)
    submission = submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=locked_day.replace(day=1))
    submission_approve(submission, user=analyst_wh)
    rows = rows_of("home-visits", net, 5)
    rows[2]["occurred_on"] = locked_day
    with pytest.raises(BulkValidationError) as raised:
        record_bulk_create(HomeVisit, user=staff_qk, rows=rows, m2m_rows=m2m_of("home-visits", net, rows))
    assert list(raised.value.errors) == [2] and "occurred_on" in raised.value.errors[2]
    assert not HomeVisit.objects.exists()


def test_a_branch_given_by_id_is_checked_and_an_unknown_one_refused(net, staff_qk):
    rows = [
        {k: v for k, v in row.items() if k != "branch"} | {"branch_id": branch_id}
        for row, branch_id in zip(
            rows_of("home-visits", net, 3), [net["WH-QK-01"].pk, net["WH-BBT"].pk, 10**9], strict=True
        )
    ]
    team = m2m_of("home-visits", net, rows_of("home-visits", net, 1))[0]  # at WH-QK-01, the good row's
    with pytest.raises(BulkValidationError) as raised:
        record_bulk_check(HomeVisit, user=staff_qk, rows=rows, m2m_rows=[team] * 3)
    assert sorted(raised.value.errors) == [1, 2]
    assert all("branch" in raised.value.errors[i] for i in (1, 2))
    assert len(record_bulk_check(HomeVisit, user=staff_qk, rows=rows[:1], m2m_rows=[team])) == 1


def test_checks_that_read_the_database_still_write_the_same(net, staff_qk, monkeypatch):
    """A kind whose clean() or __str__ runs a query cannot be checked during a COPY: the rows are
    checked first instead, with the same result."""
    rows = rows_of("home-visits", net, 4)
    m2m = m2m_of("home-visits", net, rows)
    original_clean = HomeVisit.clean

    def clean_reading_the_branch(self):
        original_clean(self)
        assert Branch.objects.filter(pk=self.branch_id).exists()

    monkeypatch.setattr(HomeVisit, "clean", clean_reading_the_branch)
    monkeypatch.setattr(HomeVisit, "__str__", lambda self: f"{Branch.objects.get(pk=self.branch_id).code} visit")
    singles = effects(
        HomeVisit,
        lambda: [record_create(HomeVisit, user=staff_qk, m2m=m, **row) for row, m in zip(rows, m2m, strict=True)],
    )
    bulk = effects(HomeVisit, lambda: record_bulk_create(HomeVisit, user=staff_qk, rows=rows, m2m_rows=m2m))
    assert bulk[:2] == singles[:2] and singles[3][0].object_repr == "WH-QK-01 visit"


def test_rows_stream_through_copy_on_postgresql(net, manager_qk, monkeypatch):
    """On PostgreSQL the rows go through COPY as they are checked: no bulk_create, and no check
    needs the database during the COPY (which would make the rows be checked twice)."""
    from django.db.models.query import QuerySet

    from records import bulk, services

    created, sources = [], []
    bulk_create, copy_from = QuerySet.bulk_create, bulk.copy_from
    monkeypatch.setattr(
        QuerySet, "bulk_create", lambda self, objs, **kw: created.append(len(objs)) or bulk_create(self, objs, **kw)
    )

    def spy(*a, **kw):
        sources.append(type(a[3]).__name__)
        return copy_from(*a, **kw)

    monkeypatch.setattr(bulk, "copy_from", spy)
    monkeypatch.setattr(services, "copy_from", spy)
    rows = rows_of("home-visits", net, 5) + rows_of("home-visits", net, 5, branch=net["WH-QK-02"])
    record_bulk_create(HomeVisit, user=manager_qk, rows=rows, m2m_rows=m2m_of("home-visits", net, rows))
    assert HomeVisit.objects.count() == 10
    assert sorted(HomeVisit.objects.values_list("staff__name", flat=True)) == sorted(
        member.name for m2m in m2m_of("home-visits", net, rows) for member in m2m["staff"]
    )
    # The batch entry is filed at the deepest node holding both outlets.
    assert AuditEntry.objects.get(last_object_id__isnull=False).branch == net["WH-QK"]
    if connection.vendor == "postgresql":  # the records streamed, then the teams' 20 links: both COPY
        assert created == [] and sources == ["CopyStream", "StringIO"]
    else:
        assert created == [10, 20] and sources == []


def test_a_records_page_shows_the_import_that_wrote_it(client, net, staff_qk):
    rows = rows_of("home-visits", net, 2)
    objs = record_bulk_create(
        HomeVisit,
        user=staff_qk,
        rows=rows,
        m2m_rows=m2m_of("home-visits", net, rows),
        action="import",
        reason="台账文件：十月.xlsx",
    )
    client.force_login(staff_qk)
    page = client.get(objs[1].get_absolute_url()).content.decode()
    assert 'data-action="import"' in page and "本批共 2 条" in page and "台账文件：十月.xlsx" in page


def test_a_related_object_of_the_wrong_kind_is_refused_as_django_refuses_it(net, staff_qk):
    rows = rows_of("home-visits", net, 3)
    rows[1]["created_by"] = net["WH-QK-01"]
    with pytest.raises(ValueError):
        record_bulk_create(HomeVisit, user=staff_qk, rows=rows, m2m_rows=m2m_of("home-visits", net, rows))
    assert not HomeVisit.objects.exists()


def test_a_records_page_runs_as_many_queries_however_long_its_history(client, net, staff_qk):
    from django.test.utils import CaptureQueriesContext

    from services.services import home_visit_update

    rows = rows_of("home-visits", net, 1)
    (visit,) = record_bulk_create(
        HomeVisit, user=staff_qk, rows=rows, m2m_rows=m2m_of("home-visits", net, rows), action="import"
    )
    client.force_login(staff_qk)
    client.get(visit.get_absolute_url())  # warm the content-type cache

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(visit.get_absolute_url()).status_code == 200
        return len(ctx)

    short = queries()
    for group in ["disabled", "ill", "other", "elderly", "disabled"]:
        visit = home_visit_update(visit, user=staff_qk, customer_group=group)
    assert len(history(visit)) == 6 and queries() == short
