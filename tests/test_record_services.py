"""Every kind's create, update and delete: scope, audit entry, roll-up store, version."""

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from core.errors import OutOfScope, StaleEdit
from core.periods import parse_period
from metrics.selectors import totals
from tests.conftest import record_data
from tests.kinds import KIND_IDS, KINDS

pytestmark = pytest.mark.django_db
YEAR = parse_period("2025")


def _in_scope_writer(kind, net, staff_qk):
    # The love station is at WH-HY-01; give the writer a role there too.
    if kind.slug == "love-station-tallies":
        return net.user("staff_hy", "WH-HY-01", "outlet_staff")
    return staff_qk


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_create_update_delete_write_audit_entries(kind, net, staff_qk):
    user = _in_scope_writer(kind, net, staff_qk)
    obj = kind.create(user=user, **record_data(kind.slug, net))
    assert obj.created_by == user and obj.version == 1
    entries = AuditEntry.objects.filter(object_id=obj.pk, content_type__model=kind.model._meta.model_name)
    assert list(entries.values_list("action", flat=True)) == ["create"]

    updated = kind.update(obj, user=user, expected_version=1, **kind.sample.edit)
    assert updated.version == 2
    field, value = next(iter(kind.sample.edit.items()))
    change = entries.get(action="update").changes[field]
    assert change[1] == value and change[0] != value

    kind.delete(updated, user=user, expected_version=2)
    assert not kind.model.objects.filter(pk=obj.pk).exists()
    assert entries.filter(action="delete").count() == 1


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_writes_outside_scope_are_refused_and_nothing_is_written(kind, net, staff_qk2):
    data = record_data(kind.slug, net)  # with the records the sample names, if any
    before = totals(net["ICBC"], YEAR)
    with pytest.raises(OutOfScope):
        kind.create(user=staff_qk2, **data)
    assert kind.model.objects.count() == 0
    assert AuditEntry.objects.filter(action="create", content_type__model=kind.model._meta.model_name).count() == 0
    assert totals(net["ICBC"], YEAR) == before


def test_analyst_reads_but_does_not_record(net, analyst_wh):
    kind = KINDS[0]
    with pytest.raises(PermissionDenied):
        kind.create(user=analyst_wh, **record_data(kind.slug, net))
    assert kind.model.objects.count() == 0


def test_staff_of_one_outlet_cannot_edit_a_sibling_outlets_record(net, staff_qk, staff_qk2):
    kind = KINDS[1]
    obj = kind.create(user=staff_qk, **record_data(kind.slug, net))
    with pytest.raises(OutOfScope):
        kind.update(obj, user=staff_qk2, attendees=1)
    with pytest.raises(OutOfScope):
        kind.delete(obj, user=staff_qk2)
    obj.refresh_from_db()
    assert obj.attendees == 40 and obj.version == 1


def test_a_record_cannot_be_moved_out_of_the_users_scope(net, staff_qk):
    kind = KINDS[1]
    obj = kind.create(user=staff_qk, **record_data(kind.slug, net))
    with pytest.raises(OutOfScope):
        kind.update(obj, user=staff_qk, branch=net["WH-QK-02"])
    obj.refresh_from_db()
    assert obj.branch == net["WH-QK-01"]


def test_stale_edit_is_refused_and_names_what_changed(net, staff_qk, manager_qk):
    kind = KINDS[1]
    obj = kind.create(user=staff_qk, **record_data(kind.slug, net))
    kind.update(obj, user=manager_qk, expected_version=1, attendees=77)
    with pytest.raises(StaleEdit) as refused:
        kind.update(obj, user=staff_qk, expected_version=1, attendees=41)
    assert refused.value.changed_fields == {"attendees": [40, 77]}
    assert refused.value.entries[0].user == manager_qk
    obj.refresh_from_db()
    assert obj.attendees == 77 and obj.version == 2


def test_an_update_that_changes_nothing_keeps_the_version(net, staff_qk):
    kind = KINDS[1]
    obj = kind.create(user=staff_qk, **record_data(kind.slug, net))
    same = kind.update(obj, user=staff_qk, attendees=40)
    assert same.version == 1
    assert AuditEntry.objects.filter(action="update").count() == 0


def test_home_visit_team_and_follow_up(net, staff_qk):
    from services.services import home_visit_create, home_visit_follow_up_done

    a, b = net.staff("WH-QK-01", "张伟"), net.staff("WH-QK-01", "王芳")
    visit = home_visit_create(user=staff_qk, **record_data("home-visits", net) | {"staff": [a, b]})
    assert set(visit.staff.all()) == {a, b}
    assert str(visit.follow_up_due) == "2025-08-17"
    done = home_visit_follow_up_done(visit, user=staff_qk, done_on=visit.follow_up_due)
    assert done.follow_up_done_on == visit.follow_up_due
    create = AuditEntry.objects.get(action="create", object_id=visit.pk, content_type__model="homevisit")
    assert sorted(create.changes["staff"][1]) == sorted([a.pk, b.pk])


def test_staff_of_another_branch_cannot_be_on_the_team(net, staff_qk):
    from django.core.exceptions import ValidationError

    from services.models import HomeVisit
    from services.services import home_visit_create

    outsider, own = net.staff("WH-BBT", "陈杰"), net.staff("WH-QK-01", "张伟")
    with pytest.raises(ValidationError) as refused:
        home_visit_create(user=staff_qk, **record_data("home-visits", net) | {"staff": [own, outsider]})
    assert "staff" in refused.value.message_dict
    assert HomeVisit.objects.count() == 0


def test_love_station_tally_add_counts_taps(net):
    from services.services import love_station_tally_add

    user = net.user("staff_hy", "WH-HY-01", "outlet_staff")
    for _ in range(3):
        tally = love_station_tally_add(
            user=user,
            branch=net["WH-HY-01"],
            occurred_on=record_data("love-station-tallies", net)["occurred_on"],
            visitor_group="courier",
            service="charging",
        )
    assert tally.count == 3 and tally.version == 3
    assert totals(net["WH"], YEAR)["love_station_visits"] == 3
