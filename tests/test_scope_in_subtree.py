"""for_user_in_subtree(user, branch) is for_user(user).in_subtree(branch), written with fewer path
conditions (two overlapping ones mislead PostgreSQL's plans at national scale, issue 19): checked
for every user scope of the test tree (no role, each single node, each pair of nodes, an
inactive user, a superuser) against every node, on a table of rows at every node."""

from itertools import combinations

import pytest
from django.contrib.auth import get_user_model

from branches.models import Branch, Membership, Role, Staff


def _user(name, codes, net, **extra):
    user = get_user_model().objects.create_user(name, password="pw-" + name, **extra)
    for code in codes:
        Membership.objects.create(user=user, branch=net[code], role=Role.ANALYST)
    return user


@pytest.mark.django_db
def test_equals_scope_then_subtree_for_every_scope_and_node(net):
    codes = sorted(net.by_code)
    for code in codes:
        Staff.objects.create(branch=net[code], name=f"员工{code}")
    scopes = [()] + [(c,) for c in codes] + list(combinations(codes, 2))
    users = [_user(f"u{i}", scope, net) for i, scope in enumerate(scopes)]
    users += [_user("inactive", ("WH",), net, is_active=False), net.root_user]
    nodes = list(Branch.objects.all())
    checked = 0
    for user in users:
        for node in nodes:
            expected = set(Staff.objects.for_user(user).in_subtree(node).values_list("pk", flat=True))
            got = set(Staff.objects.for_user_in_subtree(user, node).values_list("pk", flat=True))
            assert got == expected, (user.username, node.code)
            checked += bool(expected)
    assert checked > len(users)  # most pairs see rows: the comparison is not between empty sets


@pytest.mark.django_db
def test_one_path_condition_when_the_node_is_in_scope(net, analyst_wh):
    sql = str(Staff.objects.for_user_in_subtree(analyst_wh, net["WH-QK"]).query)
    assert sql.count("LIKE") == 1
