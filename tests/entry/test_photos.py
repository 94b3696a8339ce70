"""Photos: several per record, only real images, EXIF/GPS gone, served only to users in scope."""

import datetime
import io

import pytest
from PIL import Image

from core.kinds import kind_for_slug
from records.models import Photo
from services.models import HomeVisit
from services.services import home_visit_create, outreach_event_create
from submissions.services import submission_approve, submission_submit
from tests.conftest import record_data
from tests.entry.conftest import bomb_png, jpeg_bytes, media_files, upload

pytestmark = pytest.mark.django_db

VISIT = {"occurred_on": "2025-08-14", "customer_group": "elderly", "customer_name_masked": "王**", "purpose": "pension"}


@pytest.fixture
def visit(net, staff_qk):
    return home_visit_create(user=staff_qk, **record_data("home-visits", net))


def post_photos(client, record, *files, caption=""):
    return client.post(record.get_absolute_url(), {"photos": list(files), "caption": caption})


def test_several_photos_upload_and_show_on_detail_and_list(client, staff_qk, visit):
    client.force_login(staff_qk)
    response = post_photos(client, visit, upload(jpeg_bytes()), upload(jpeg_bytes(color="blue"), name="b.png"))
    assert response.status_code == 302
    photos = list(visit.photos.all())
    assert len(photos) == 2 and all(p.uploaded_by == staff_qk for p in photos)
    detail = client.get(visit.get_absolute_url()).content.decode()
    thumb = f"/services/home-visits/{visit.pk}/photos/{photos[0].pk}/thumb/"
    assert thumb in detail
    assert thumb in client.get("/services/home-visits/").content.decode()
    served = client.get(thumb)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(served.streaming_content))).size[0] <= 320
    assert visit.photos.count() == 2


def test_gps_and_exif_are_stripped_and_capture_time_kept(client, staff_qk, visit):
    client.force_login(staff_qk)
    assert post_photos(client, visit, upload(jpeg_bytes(gps=True))).status_code == 302
    photo = visit.photos.get()
    assert photo.captured_at == datetime.datetime(2025, 8, 14, 2, 30, tzinfo=datetime.UTC)  # 10:30 in Shanghai
    for name in (photo.image.name, photo.thumbnail.name):
        with photo.image.storage.open(name) as f:
            data = f.read()
        exif = Image.open(io.BytesIO(data)).getexif()
        assert 0x8825 not in exif and not exif.get_ifd(0x8825) and 0x0110 not in exif
        assert b"TestCam" not in data


@pytest.mark.parametrize(
    "payload, name",
    [
        (bomb_png(), "bomb.png"),
        (jpeg_bytes((400, 300))[:600], "truncated.jpg"),
        (b"MZ\x90\x00 this is a program, not a photo" * 20, "holiday.jpg"),
        (b"GIF89a" + b"\x00" * 100, "anim.gif"),
        (b"", "empty.jpg"),
    ],
)
def test_hostile_uploads_are_refused_and_nothing_stored(client, settings, staff_qk, visit, payload, name):
    client.force_login(staff_qk)
    response = post_photos(client, visit, upload(payload, name=name))
    assert response.status_code == 200
    assert "photos" in response.context["photo_form"].errors
    assert not Photo.objects.exists() and media_files(settings) == []


def test_oversized_photo_is_refused(client, settings, staff_qk, visit):
    settings.PHOTO_MAX_BYTES = 2000
    client.force_login(staff_qk)
    big = jpeg_bytes((800, 600), color="green")
    assert len(big) > 2000
    response = post_photos(client, visit, upload(big))
    assert response.status_code == 200 and "photos" in response.context["photo_form"].errors
    assert not Photo.objects.exists() and media_files(settings) == []


def test_one_bad_photo_refuses_the_whole_batch(client, settings, staff_qk, visit):
    client.force_login(staff_qk)
    response = post_photos(client, visit, upload(jpeg_bytes()), upload(jpeg_bytes()), upload(b"junk", name="c.jpg"))
    assert response.status_code == 200 and "photos" in response.context["photo_form"].errors
    assert not Photo.objects.exists() and media_files(settings) == []


def test_a_bad_photo_on_the_new_form_saves_neither_record_nor_photos(client, settings, net, staff_qk):
    client.force_login(staff_qk)
    team = kind_for_slug("home-visits").sample.needed_form(net["WH-QK-01"], net.root_user)  # a team of two
    data = (
        VISIT
        | team
        | {"branch": str(net["WH-QK-01"].pk), "photos": [upload(jpeg_bytes()), upload(bomb_png(), "x.png")]}
    )
    response = client.post("/services/home-visits/new/", data)
    assert response.status_code == 200 and "photos" in response.context["form"].errors
    assert not HomeVisit.objects.exists() and not Photo.objects.exists() and media_files(settings) == []
    data["photos"] = [upload(jpeg_bytes(gps=True))]
    assert client.post("/services/home-visits/new/", data).status_code == 302
    assert HomeVisit.objects.get().photos.count() == 1


def test_a_caption_with_a_mobile_number_is_refused(client, staff_qk, visit):
    client.force_login(staff_qk)
    response = post_photos(client, visit, upload(jpeg_bytes()), caption="客户电话13912345678")
    assert response.status_code == 200 and "caption" in response.context["photo_form"].errors
    assert not Photo.objects.exists()


@pytest.fixture
def photo(client, staff_qk, visit):
    client.force_login(staff_qk)
    post_photos(client, visit, upload(jpeg_bytes()))
    client.logout()
    return visit.photos.get()


@pytest.mark.parametrize(
    "role, status",
    [("staff_qk", 200), ("manager_qk", 200), ("analyst_wh", 200), ("staff_qk2", 404), (None, 302)],
)
def test_photo_files_only_for_users_in_scope(client, request, photo, visit, role, status):
    if role:
        client.force_login(request.getfixturevalue(role))
    for suffix in ("", "thumb/"):
        response = client.get(f"/services/home-visits/{visit.pk}/photos/{photo.pk}/{suffix}")
        assert response.status_code == status


def test_photo_is_not_on_a_public_media_url_nor_under_another_kind(client, net, staff_qk, photo, visit):
    client.force_login(staff_qk)
    assert client.get("/media/" + photo.image.name).status_code == 404
    assert client.get(f"/services/outreach-events/{visit.pk}/photos/{photo.pk}/").status_code == 404
    assert client.get(f"/volunteering/home-visits/{visit.pk}/photos/{photo.pk}/").status_code == 404
    other = outreach_event_create(user=staff_qk, **record_data("outreach-events", net))
    assert client.get(f"/services/outreach-events/{other.pk}/photos/{photo.pk}/").status_code == 404


@pytest.mark.parametrize("role, status", [("staff_qk", 302), ("analyst_wh", 403), ("staff_qk2", 404)])
def test_photo_delete(client, request, settings, django_capture_on_commit_callbacks, photo, visit, role, status):
    client.force_login(request.getfixturevalue(role))
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the delete is committed
        response = client.post(f"/services/home-visits/{visit.pk}/photos/{photo.pk}/delete/")
    assert response.status_code == status
    assert Photo.objects.exists() is (status != 302)
    assert (media_files(settings) == []) is (status == 302)


def test_photos_of_an_approved_month_are_locked(client, net, staff_qk, manager_qk, analyst_wh, photo, visit):
    sub = submission_submit(user=manager_qk, branch=net["WH-QK-01"], month=datetime.date(2025, 8, 1))
    submission_approve(sub, user=analyst_wh)
    client.force_login(staff_qk)
    response = post_photos(client, visit, upload(jpeg_bytes()))
    assert response.status_code == 200 and "2025-08" in str(response.context["photo_form"].non_field_errors())
    client.post(f"/services/home-visits/{visit.pk}/photos/{photo.pk}/delete/")
    assert Photo.objects.count() == 1
