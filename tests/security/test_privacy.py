"""The privacy scan of tests/conftest.py can fail (a full ID or mobile number in an answer or a
log line is recorded; random tokens are not numbers), and the answers that refuse such numbers
show them masked, never echoed: the entry forms, the admin's forms and the API's errors."""

import logging

import pytest
from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory

from core.privacy import redact
from tests import conftest as plugin
from tests.api.conftest import payload, token_client

pytestmark = pytest.mark.django_db

RESIDENT_ID, MOBILE = "420106195001011234", "13912345678"


@pytest.fixture
def findings():
    """What the scan recorded during the test; cleared so that the deliberate finds do not fail it."""
    plugin.PRIVACY_FINDINGS.clear()
    yield plugin.PRIVACY_FINDINGS
    plugin.PRIVACY_FINDINGS.clear()


def test_the_scan_is_the_outermost_middleware():
    assert settings.MIDDLEWARE[0] == "tests.conftest.PrivacyScanMiddleware"


def scan(response):
    request = RequestFactory().get("/some/page/?q=1")
    return plugin.PrivacyScanMiddleware(lambda r: response)(request)


def test_an_answer_holding_a_number_is_recorded_naming_the_url(findings):
    scan(HttpResponse(f"<p>客户 {MOBILE}</p>"))
    scan(HttpResponse(f'{{"notes": "身份证{RESIDENT_ID}"}}', content_type="application/json"))
    assert findings == ["response to GET /some/page/?q=1 (200)"] * 2


def test_streamed_csv_is_scanned_once_read(findings):
    response = scan(StreamingHttpResponse(iter([b"a,b\r\n", f"x,{MOBILE}\r\n".encode()]), content_type="text/csv"))
    assert findings == []
    b"".join(response.streaming_content)
    assert len(findings) == 1


def test_files_tokens_and_masked_numbers_are_not_findings(findings):
    scan(HttpResponse(MOBILE.encode(), content_type="image/jpeg"))
    scan(HttpResponse("token 5f3a9c13912345678e0b1d2c3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1a2f"))
    scan(HttpResponse(f"{redact(MOBILE)} {redact(RESIDENT_ID)} 金额 12345678901.00元 编号 2025081412345"))
    # A page's own address: a station's id before a day (1,8,0 and 2026-12-06 are 11 digits).
    scan(HttpResponse('<a href="/services/love-station-tallies/tally/180/2026-12-06/">今天</a>'))
    assert findings == []
    scan(HttpResponse("客户电话 138-0013-8000，来访 2026-12-06"))  # a real one beside a date is still found
    assert len(findings) == 1


def test_a_log_line_holding_a_number_is_recorded(findings):
    # Straight to the scan's handler: the portal's handlers mask a record before it is written
    # (portal/log_masking.py), and the scan's handler comes after them on the root logger.
    scan = plugin._PrivacyLogHandler()
    for args in [(MOBILE,), ("nothing personal",)]:
        scan.handle(
            logging.LogRecord("portal.test", logging.WARNING, __file__, 1, "customer called from %s", args, None)
        )
    assert findings == [f"log line of portal.test: customer called from {MOBILE}"]


def test_a_logged_number_reaches_no_handler_unmasked(findings):
    logging.getLogger("portal.test").warning("customer called from %s", MOBILE)
    assert findings == []


def test_a_refused_form_shows_the_number_masked(client, net, staff_qk, findings):
    client.force_login(staff_qk)
    form = {"branch": net["WH-QK-01"].pk, "occurred_on": "2025-08-14", "customer_group": "elderly"}
    form |= {"customer_name_masked": "王**", "purpose": MOBILE, "notes": f"身份证{RESIDENT_ID} 电话{MOBILE}"}
    page = client.post("/services/home-visits/new/", form).content.decode()
    assert RESIDENT_ID not in page and MOBILE not in page
    assert redact(RESIDENT_ID) in page and redact(MOBILE) in page  # the user sees what to fix
    assert findings == []


def test_the_admin_form_shows_the_number_masked(net, root_user, findings):
    admin = Client()
    admin.force_login(root_user)
    data = {"branch": net["WH-QK-01"].pk, "occurred_on": "2025-08-14", "venue_type": "community"}
    data |= {"theme": "anti_fraud", "attendees": "10", "notes": f"联系{MOBILE}"}
    page = admin.post("/admin/services/outreachevent/add/", data).content.decode()
    assert MOBILE not in page and redact(MOBILE) in page
    assert findings == []


def test_api_errors_show_the_number_masked(net, staff_qk, findings):
    api = token_client(staff_qk)
    body = payload("home-visits", net) | {"customer_group": RESIDENT_ID, "branch": MOBILE}
    response = api.post("/api/v1/home-visits/", body, format="json")
    assert response.status_code == 400
    text = response.content.decode()
    assert RESIDENT_ID not in text and MOBILE not in text and redact(MOBILE) in text
    assert findings == []
