"""Uploads that only pretend to be photos or ledgers. tests/entry/test_photos.py covers the
decompression bomb, a truncated JPEG, a program, a GIF, an empty and an oversized file, and GPS
EXIF stripped; here: SVG and HTML named .jpg (a script a browser would run), a photo with a
payload appended, and the API's upload path (ledger imports) given the same disguises."""

import pytest
from django.test import Client

from core.kinds import kind_for_slug
from records.models import Photo
from services.models import HomeVisit
from services.services import home_visit_create
from tests.api.conftest import token_client
from tests.conftest import record_data
from tests.entry.conftest import jpeg_bytes, media_files, upload

pytestmark = pytest.mark.django_db

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/tokens/')</script></body></html>"
DISGUISES = [(SVG, "photo.jpg", "image/jpeg"), (SVG, "photo.svg", "image/svg+xml"), (HTML, "photo.jpg", "image/jpeg")]
IDS = ["svg-named-jpg", "svg", "html-named-jpg"]


@pytest.fixture
def browser(staff_qk):
    client = Client()
    client.force_login(staff_qk)
    return client


@pytest.fixture
def visit(net, staff_qk):
    return home_visit_create(user=staff_qk, **record_data("home-visits", net))


@pytest.mark.parametrize("data, name, content_type", DISGUISES, ids=IDS)
def test_markup_named_as_a_photo_is_refused_and_nothing_stored(browser, settings, visit, data, name, content_type):
    response = browser.post(visit.get_absolute_url(), {"photos": [upload(data, name, content_type)]})
    assert response.status_code == 200
    assert "photos" in response.context["photo_form"].errors
    assert not Photo.objects.exists() and media_files(settings) == []


@pytest.mark.parametrize("data, name, content_type", DISGUISES, ids=IDS)
def test_markup_on_the_new_record_form_saves_neither_record_nor_photo(browser, settings, net, data, name, content_type):
    form = {"branch": net["WH-QK-01"].pk, "occurred_on": "2025-08-14", "customer_group": "elderly"}
    form |= {"customer_name_masked": "王**", "purpose": "pension", "photos": [upload(data, name, content_type)]}
    form |= kind_for_slug("home-visits").sample.needed_form(net["WH-QK-01"], net.root_user)  # a team of two
    response = browser.post("/services/home-visits/new/", form)
    assert response.status_code == 200 and "photos" in response.context["form"].errors
    assert not HomeVisit.objects.exists() and not Photo.objects.exists() and media_files(settings) == []


def test_a_payload_appended_to_a_real_photo_is_not_stored(browser, settings, visit):
    """A valid JPEG followed by a script (a polyglot): the stored photo is re-encoded pixels only,
    served as image/jpeg that the browser may not sniff."""
    polyglot = jpeg_bytes(gps=True) + HTML
    assert browser.post(visit.get_absolute_url(), {"photos": [upload(polyglot)]}).status_code == 302
    photo = Photo.objects.get()
    for stored in (photo.image, photo.thumbnail):
        with stored.storage.open(stored.name) as f:
            data = f.read()
        assert data.startswith(b"\xff\xd8") and b"<script>" not in data and b"TestCam" not in data
    served = browser.get(f"{visit.get_absolute_url()}photos/{photo.pk}/")
    assert served["Content-Type"] == "image/jpeg" and served["X-Content-Type-Options"] == "nosniff"
    assert b"<script>" not in b"".join(served.streaming_content)


@pytest.mark.parametrize(
    "data, name",
    [(SVG, "ledger.xlsx"), (HTML, "ledger.xlsx"), (jpeg_bytes(), "ledger.xlsx")],
    ids=["svg", "html", "jpeg"],
)
def test_the_api_upload_path_refuses_disguised_ledgers(settings, tmp_path, net, staff_qk, data, name):
    settings.LEDGER_IMPORT_INLINE = True
    settings.LEDGER_UPLOAD_DIR = tmp_path / "uploads"
    api = token_client(staff_qk)
    sheet = upload(data, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response = api.post("/api/v1/ledgers/home-visits/import/?dry_run=0", {"file": sheet}, format="multipart")
    assert response.status_code == 400 and response.json()["file"]
    assert not HomeVisit.objects.exists()
    assert list((tmp_path / "uploads").glob("*")) == []  # the refused file is not kept
