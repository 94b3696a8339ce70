"""Outlet staff record a home visit with a photo; an approved month refuses their next edit."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from branches.models import Branch, Staff
from metrics.models import Submission
from services.models import HomeVisit
from services.services import home_visit_create
from tests.e2e.steps import choose, path_of, record_home_visit

pytestmark = pytest.mark.e2e


def test_staff_log_in_record_a_home_visit_with_a_photo_and_find_it_in_their_list(browse, photo_file):
    page = browse.login("staff_qk")

    pk = record_home_visit(page, customer="欧阳娜娜", photo=photo_file, notes="e2e: 上门办理养老金")

    # The detail page: saved, the full name masked, the photo shown (the browser decoded it).
    assert page.locator(".alert-success").count() == 1
    assert "欧阳**" in page.locator("main").inner_text()
    assert "欧阳娜娜" not in page.content()
    thumb = page.locator("#photos img.photo-thumb")
    assert thumb.count() == 1
    thumb.evaluate("img => img.decode()")
    assert thumb.evaluate("img => img.naturalWidth") > 0

    # Their list, newest first: the visit is the first row, with its photo.
    page.locator(f"main .breadcrumb a[href='{reverse('services:home-visits-list')}']").click()
    page.wait_for_url(f"**{reverse('services:home-visits-list')}")
    detail = reverse("services:home-visits-detail", args=[pk])
    row = page.locator("table.record-list tbody tr").first
    assert row.locator(f"a[href='{detail}']").count() >= 1
    assert "欧阳**" in row.inner_text()
    assert row.locator("img.thumb").count() == 1
    assert row.locator("img.thumb").evaluate("img => img.complete && img.naturalWidth > 0")

    visit = HomeVisit.objects.get(pk=pk)
    assert visit.customer_name_masked == "欧阳**" and visit.branch.code == "WH-QK-01"
    assert visit.photos.count() == 1 and visit.staff.count() == 2
    assert visit.created_by.username == "staff_qk"


def test_an_approved_month_refuses_the_staff_members_next_edit_with_the_reason(browse):
    today = timezone.localdate()
    month = f"{today:%Y-%m}"
    staff_page = browse.login("staff_qk")
    staff_user = get_user_model().objects.get(username="staff_qk")
    visit = home_visit_create(
        user=staff_user,
        branch=Branch.objects.get(code="WH-QK-01"),
        occurred_on=today,
        customer_group="elderly",
        customer_name_masked="张**",
        purpose="card",
        duration_minutes=30,
        staff=Staff.objects.filter(branch__code="WH-QK-01").order_by("pk")[:2],  # a team of two
    )
    # The staff member opens the record to correct it; the month is still open.
    staff_page.goto(reverse("services:home-visits-edit", args=[visit.pk]))
    assert staff_page.locator(".period-locked").count() == 0

    # The branch manager submits this month for 硚口支行 through the month picker.
    manager = browse.login("manager_qk")
    manager.locator(f"a.nav-link[href='{reverse('submissions:index')}']").click()
    choose(manager, "id_branch", "WH-QK")  # the branch chooser searches as you type
    manager.fill("#id_month", month)
    with manager.expect_navigation():
        manager.locator("main form[method=get] button[type=submit]").click()
    assert path_of(manager) == reverse("submissions:month", args=["WH-QK", month])
    with manager.expect_navigation():
        manager.locator(f"form[action='{reverse('submissions:submit', args=['WH-QK', month])}'] button").first.click()
    assert manager.locator(".alert-success").count() == 1
    submission = Submission.objects.get(branch__code="WH-QK", month=today.replace(day=1))
    assert submission.status == "submitted" and submission.submitted_by.username == "manager_qk"

    # The city branch's analyst approves it.
    analyst = browse.login("analyst_wh")
    analyst.goto(reverse("submissions:month", args=["WH-QK", month]))
    with analyst.expect_navigation():
        analyst.locator(f"form[action='{reverse('submissions:approve', args=['WH-QK', month])}'] button").click()
    assert analyst.locator(".alert-success").count() == 1
    # Approved: what the analyst can do now is reopen it.
    assert analyst.locator(f"form[action='{reverse('submissions:reopen', args=['WH-QK', month])}']").count() == 1
    submission.refresh_from_db()
    assert submission.status == "approved" and submission.decided_by.username == "analyst_wh"

    # The staff member saves the correction they had open: refused, and told why and whom to ask.
    staff_page.fill("#id_duration_minutes", "50")
    with staff_page.expect_navigation():
        staff_page.locator("form.record-form button[type=submit]").click()
    refusal = staff_page.locator("form.record-form .alert-danger").inner_text()
    assert "刘洋" in refusal and month in refusal, refusal
    visit.refresh_from_db()
    assert visit.duration_minutes == 30 and visit.version == 1

    # Opening the record again says so before any typing.
    staff_page.goto(reverse("services:home-visits-edit", args=[visit.pk]))
    notice = staff_page.locator(".period-locked").inner_text()
    assert "刘洋" in notice and month in notice
