"""List pages issue the same number of queries for 3 rows as for 30 (a full page), photos included."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from records.photos import photo_add
from records.services import record_bulk_create
from tests.conftest import record_data
from tests.entry.conftest import jpeg_bytes, upload
from tests.kinds import KIND_IDS, KINDS

pytestmark = pytest.mark.django_db


def add_rows(kind, net, start, n):
    rows = [
        {k: v for k, v in record_data(kind.slug, net).items() if k not in kind.m2m}
        | {"occurred_on": datetime.date(2025, 8, 14) - datetime.timedelta(days=start + i)}
        for i in range(n)
    ]
    m2m = [
        {name: [net.staff("WH-QK-01", f"员工{start + i}{half}") for half in "甲乙"] for name in kind.m2m}
        for i in range(n)
    ]  # a team of two each
    records = record_bulk_create(kind.model, user=net.root_user, rows=rows, m2m_rows=m2m)
    for record in records:
        photo_add(record, user=net.root_user, upload=upload(jpeg_bytes((16, 16))))


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_list_query_count_does_not_grow_with_rows(client, net, analyst_wh, kind):
    client.force_login(analyst_wh)
    url = kind.url("list")
    client.get(url)  # warm the content-type cache

    def count(expected_rows):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200 and len(response.context["rows"]) == expected_rows
        assert all(row.thumbs for row in response.context["rows"])
        return len(ctx)

    add_rows(kind, net, 0, 3)
    few = count(3)
    add_rows(kind, net, 3, 27)
    assert count(25) == few
