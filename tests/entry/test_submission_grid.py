"""The submission index and year grid (issue 21 item 8): each month's state, the user's whole
subtree in a constant number of queries, the current month open rather than missing, approved
marked apart from on time by more than colour, and a branch column that does not wrap."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone

from branches.models import Branch
from metrics.completeness import FUTURE, MISSING, OPEN, status_of
from metrics.models import Submission
from submissions.services import submission_approve, submission_submit

pytestmark = pytest.mark.django_db
AUG = datetime.date(2025, 8, 1)
ENTRY_CSS = Path(__file__).resolve().parents[2] / "static" / "portal" / "entry.css"


def this_month():
    return timezone.localdate().replace(day=1)


def test_a_month_not_yet_due_is_open_and_a_month_not_begun_is_future():
    now = timezone.make_aware(datetime.datetime(2025, 9, 5, 12))
    assert status_of(None, datetime.date(2025, 9, 1), now) == OPEN  # the current month
    assert status_of(None, AUG, now) == OPEN  # due on 10 September
    assert status_of(None, datetime.date(2025, 7, 1), now) == MISSING
    assert status_of(None, datetime.date(2025, 10, 1), now) == FUTURE
    assert status_of(None) == MISSING  # without a month, as before


def test_the_managers_grid_lists_the_branch_and_its_outlets(client, net, manager_qk, analyst_wh):
    submission_submit(user=manager_qk, branch=net["WH-QK"], month=AUG)
    client.force_login(manager_qk)
    page = client.get("/submissions/WH-QK/year/2025/")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(node.code, depth) for node, depth, _cells in rows] == [("WH-QK", 0), ("WH-QK-01", 1), ("WH-QK-02", 1)]
    # The branch's own row is what its parent's dashboard and grid count for it.
    assert rows[0][2][7].status in ("on_time", "late")
    client.force_login(analyst_wh)
    parent = client.get("/submissions/WH/year/2025/")
    qk = next(cells for node, _d, cells in parent.context["rows"] if node.code == "WH-QK")
    assert [c.status for c in qk] == [c.status for c in rows[0][2]]


def test_the_current_month_is_open_and_not_counted_as_missing(client, net, analyst_wh):
    client.force_login(analyst_wh)
    month = this_month()
    page = client.get(f"/submissions/WH/year/{month.year}/")
    cells = {node.code: cells for node, _d, cells in page.context["rows"]}
    assert cells["WH-QK"][month.month - 1].status == OPEN
    assert all(c.status == FUTURE for c in cells["WH-QK"][month.month :])
    # Only months whose due date has passed are expected: the current month (and any later) are not.
    past = sum(1 for c in cells["WH-QK"] if c.status == MISSING)
    assert past <= month.month - 1
    assert page.context["expected"] == past * len(cells)
    html = page.content.decode()
    assert 'data-status="open"' in html and "未到期" in html
    month_page = client.get(f"/submissions/WH-QK/{month:%Y-%m}/")
    assert month_page.context["status"] == OPEN


def test_the_grid_takes_the_same_queries_for_a_bigger_subtree(client, net, analyst_wh, django_assert_max_num_queries):
    client.force_login(analyst_wh)
    client.get("/submissions/WH/year/2025/")  # warm the session and content types

    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get("/submissions/WH/year/2025/").status_code == 200
        return len(captured)

    before = queries()
    for i in range(15):
        outlet = net.add(f"WH-BBT-{i:02d}", "WH-BBT", Branch.Level.OUTLET)
        submission_submit(user=net.root_user, branch=outlet, month=AUG)
    after = queries()
    assert after == before
    page = client.get("/submissions/WH/year/2025/")
    assert len(page.context["rows"]) == 7 + 15


def test_the_index_shows_each_months_state(client, net, manager_qk, analyst_wh):
    month = this_month()
    last = (month - datetime.timedelta(days=1)).replace(day=1)
    sub = submission_submit(user=manager_qk, branch=net["WH-QK"], month=last)
    client.force_login(manager_qk)
    page = client.get("/submissions/")
    html = page.content.decode()
    row = html[html.index('data-branch="WH-QK"') :]
    row = row[: row.index("</tr>")]
    assert f'data-month="{month:%Y-%m}" data-status="open"' in row
    assert re.search(rf'data-month="{last:%Y-%m}" data-status="(on_time|late)"', row)
    assert len(re.findall(r"data-month=", row)) == 6
    submission_approve(sub, user=analyst_wh)
    row = client.get("/submissions/").content.decode()
    assert "is-approved" in row


def test_approved_and_on_time_differ_in_text_and_mark_not_colour_alone(client, net, manager_qk, analyst_wh):
    on_time = submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=AUG)
    approved = submission_submit(user=manager_qk, branch=net["WH-QK-02"], month=AUG)
    Submission.objects.filter(pk__in=[on_time.pk, approved.pk]).update(
        submitted_at=datetime.datetime(2025, 9, 5, tzinfo=datetime.UTC)
    )
    submission_approve(approved, user=analyst_wh)
    client.force_login(analyst_wh)
    html = client.get("/submissions/WH-QK/year/2025/").content.decode()

    def cell(code):
        row = html[html.index(f'data-branch="{code}"') :]
        return re.findall(r"<td[^>]*>.*?</td>", row[: row.index("</tr>")], re.S)[7]

    assert "is-approved" not in cell("WH-QK-01") and "已审核" not in cell("WH-QK-01")
    assert "is-approved" in cell("WH-QK-02") and "已审核" in cell("WH-QK-02")
    assert "已审核（加框，已锁定）" in html  # the legend names the mark
    css = ENTRY_CSS.read_text(encoding="utf-8")
    assert re.search(r"\.is-approved \.status-mark::after \{ content: \"✓\"; \}", css)


def test_the_branch_column_is_sticky_and_never_one_character_wide(client, net, analyst_wh):
    client.force_login(analyst_wh)
    html = client.get("/submissions/WH/year/2025/").content.decode()
    assert 'class="table-responsive completeness-scroll"' in html
    assert html.count('class="branch-col') >= 8  # the header and every row
    css = ENTRY_CSS.read_text(encoding="utf-8")
    rule = re.search(r"\.completeness-grid \.branch-col \{([^}]*)\}", css).group(1)
    assert "position: sticky" in rule and "min-width: 9rem" in rule and "word-break: keep-all" in rule


def test_a_subtree_larger_than_a_screen_is_listed_by_its_direct_children(client, net, analyst_wh, monkeypatch):
    """Who has not submitted stays visible level by level: the node's own row and each direct
    child's, each child linking to its own grid; the page and its queries do not grow with the
    outlets below (issue 19)."""
    monkeypatch.setattr("metrics.completeness.SCREEN_ROWS", 3)
    submission_submit(user=net.root_user, branch=net["WH-QK"], month=AUG)
    client.force_login(analyst_wh)

    def page():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get("/submissions/WH/year/2025/")
        assert response.status_code == 200
        return response, len(captured)

    client.get("/submissions/WH/year/2025/")  # warm the session and content types
    before, queries_before = page()
    children = sorted(b.code for b in Branch.objects.filter(parent=net["WH"], is_active=True))
    rows = before.context["rows"]
    # WH submits to its parent: its own row first, then its children's.
    assert [(node.code, d) for node, d, _c in rows] == [("WH", 0)] + [(code, 1) for code in children]
    assert not before.context["whole"]
    qk = next(cells for node, _d, cells in rows if node.code == "WH-QK")
    assert qk[7].status in ("on_time", "late") and qk[6].status == MISSING
    html = before.content.decode()
    for code in children:
        assert f'href="/submissions/{code}/year/2025/"' in html
    assert "直属下级机构" in html
    for i in range(30):
        net.add(f"WH-BBT-{i:02d}", "WH-BBT", Branch.Level.OUTLET)
    after, queries_after = page()
    assert queries_after == queries_before
    assert len(after.content) == len(before.content)
    # A subtree that fits a screen is shown whole, as before, in as many queries.
    monkeypatch.setattr("metrics.completeness.SCREEN_ROWS", 400)
    shown_whole, queries_whole = page()
    assert shown_whole.context["whole"] and len(shown_whole.context["rows"]) > len(rows)
    assert queries_whole == queries_before
    whole = client.get("/submissions/WH-QK/year/2025/")
    assert whole.context["whole"] and "所有下级机构" in whole.content.decode()
