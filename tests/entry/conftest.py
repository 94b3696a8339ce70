"""Fixtures of the entry-page tests: the people of each role, stations, and images good and hostile."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from branches.services import branch_update


@pytest.fixture(autouse=True)
def stations(net):
    """Both Qiaokou outlets run a love station too, so every kind can be recorded at WH-QK-01."""
    for code in ("WH-QK-01", "WH-QK-02"):
        branch_update(net[code], user=net.root_user, love_station_since=2019)
        net.by_code[code].refresh_from_db()


@pytest.fixture
def people(staff_qk, manager_qk, analyst_wh, staff_qk2):
    """staff and manager write at WH-QK-01, the analyst reads all of WH, the outsider works at WH-QK-02."""
    return {"staff": staff_qk, "manager": manager_qk, "analyst": analyst_wh, "outsider": staff_qk2, "anonymous": None}


@pytest.fixture
def login(client):
    def as_(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return as_


def jpeg_bytes(size=(64, 48), *, gps=False, taken="2025:08:14 10:30:00", color="red") -> bytes:
    img = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x0110] = "TestCam"
    if taken:
        exif[0x8769] = {36867: taken}
    if gps:
        exif[0x8825] = {1: "N", 2: (30.0, 35.0, 0.0), 3: "E", 4: (114.0, 17.0, 0.0)}
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif, quality=90)
    return buf.getvalue()


def bomb_png(width=20_000, height=20_000) -> bytes:
    """A few hundred bytes that claim to be 400 megapixels: only the header is honest-looking."""
    buf = io.BytesIO()
    Image.new("L", (10, 10)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
