import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from honours.services import honour_create
from reports.models import EvaluationItem, EvaluationScheme
from reports.seed import seed_schemes


@pytest.fixture(autouse=True)
def evaluation_schemes(db):
    """The seeded schemes (a data migration creates them; a flushing test elsewhere may have removed them)."""
    seed_schemes(EvaluationScheme, EvaluationItem)


def jpeg_with_exif(taken: datetime.datetime, size=(64, 48)) -> SimpleUploadedFile:
    """A JPEG whose EXIF DateTimeOriginal says when it was taken."""
    image = Image.new("RGB", size, "#c7000b")
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = taken.strftime("%Y:%m:%d %H:%M:%S")
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def youth_title(net, manager_qk):
    """A 二星级 青年文明号 title of WH-QK-01, valid two years."""
    return honour_create(
        user=manager_qk,
        branch=net["WH-QK-01"],
        occurred_on=datetime.date(2025, 5, 4),
        kind="title",
        level="bank_head_office",
        title="二星级总行级青年文明号",
        issuer="中国工商银行",
        star_level=2,
        valid_until=datetime.date(2027, 5, 3),
    )
