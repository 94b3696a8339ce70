"""Photo uploads: only real images, re-encoded so that EXIF (GPS included) is gone.

The capture time is read from EXIF before it is dropped. The pixel limit and the memory the
decoding and conversions will take (decoded_bytes) are checked from the header, before any
decoding, so neither a decompression bomb nor a small file in a mode of few bytes per pixel
that converts to many costs more than PHOTO_MAX_DECODED_BYTES.
"""

import datetime
import io
import warnings

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from audit.history import audit
from audit.models import AuditEntry
from core.dates import plausible_capture_time
from records.models import Photo
from records.services import check_can_write, check_months_open, delete_photo_files_on_commit, months_touched

Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
THUMBNAIL_SIZE = (320, 320)
EXIF_DATETIME_ORIGINAL, EXIF_DATETIME, EXIF_IFD = 36867, 306, 0x8769


def _capture_time(img) -> datetime.datetime | None:
    try:
        exif = img.getexif()
    except Exception:  # a broken EXIF block is no reason to refuse the photo
        return None
    raw = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)
    if not raw:
        return None
    try:
        naive = datetime.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
        captured = timezone.make_aware(naive, timezone.get_default_timezone())
    except (ValueError, OverflowError):
        return None
    # A camera whose clock says year 1 (or 2090) did not take the photo then: unknown, not stored.
    return plausible_capture_time(captured)


# Bytes per pixel of an image in Pillow's memory: 1, L and P take one byte, 16-bit grey two,
# every other mode four (RGB too: Pillow keeps a pad byte).
STORED_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}


def decoded_bytes(width: int, height: int, mode: str) -> int:
    """The most memory clean_image holds at once for an image of this size and mode: the
    decoded image and its turned copy (EXIF orientation); for L, the image and its RGB copy;
    for any other mode but RGB, the image and its RGBA copy, then the RGBA copy, the white
    background and the alpha channel it is pasted through."""
    source = STORED_BYTES.get(mode, 4)
    if mode == "RGB":
        per_pixel = 2 * source
    elif mode == "L":
        per_pixel = max(2 * source, source + 4)
    else:
        per_pixel = max(2 * source, source + 4, 4 + 4 + 1)
    return width * height * per_pixel


def _as_rgb(img):
    """The image in RGB, transparency flattened onto white; the source's memory is released as
    soon as the copy exists."""
    if img.mode == "RGB":
        return img
    if img.mode == "L":
        rgb = img.convert("RGB")
        img.close()
        return rgb
    rgba = img.convert("RGBA")
    img.close()
    background = Image.new("RGB", rgba.size, "white")
    background.paste(rgba, mask=rgba.getchannel("A"))
    rgba.close()
    return background


def clean_image(upload) -> tuple[bytes, bytes, int, int, datetime.datetime | None]:
    """Decode, verify and re-encode an upload; return (jpeg, thumbnail, width, height, captured_at)."""
    if upload.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            _("The photo is larger than %(mb)s MB.") % {"mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise ValidationError(_("Upload a JPEG, PNG or WebP photo."), code="format")
                width, height = probe.size
                if width * height > settings.PHOTO_MAX_PIXELS:
                    raise ValidationError(_("The photo has too many pixels."), code="pixels")
                if decoded_bytes(width, height, probe.mode) > settings.PHOTO_MAX_DECODED_BYTES:
                    raise ValidationError(
                        _(
                            "The photo is too large to process (%(width)s × %(height)s pixels). "
                            "Save it with fewer pixels, as a JPEG, and upload it again."
                        )
                        % {"width": width, "height": height},
                        code="decoded_size",
                    )
                probe.verify()
            source = Image.open(io.BytesIO(data))
            try:
                captured_at = _capture_time(source)
                source.load()
                ImageOps.exif_transpose(source, in_place=True)
                img = _as_rgb(source)
                out = io.BytesIO()
                img.save(out, "JPEG", quality=85, optimize=True)
                img.thumbnail(THUMBNAIL_SIZE)
                thumb = io.BytesIO()
                img.save(thumb, "JPEG", quality=80)
                img.close()
            finally:
                source.close()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("The photo has too many pixels."), code="pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("The file is not a readable image."), code="invalid_image") from None
    return out.getvalue(), thumb.getvalue(), width, height, captured_at


@transaction.atomic
def photo_add(record, *, user, upload, caption: str = "") -> Photo:
    """Attach a photo to a record the user may edit, in a month that is not locked."""
    check_can_write(user, record.branch)
    check_months_open(record.branch, months_touched(record))
    jpeg, thumb, width, height, captured_at = clean_image(upload)
    photo = Photo(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        width=width,
        height=height,
        captured_at=captured_at,
        caption=caption,
        uploaded_by=user,
    )
    photo.full_clean(exclude=["image", "thumbnail"])
    stem = f"{record._meta.model_name}-{record.pk}"
    photo.image.save(f"{stem}.jpg", ContentFile(jpeg), save=False)
    photo.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(thumb), save=False)
    try:
        photo.save()
    except Exception:
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
        raise
    audit(user=user, action=AuditEntry.Action.PHOTO_ADD, obj=record, changes={"photo": [None, photo.pk]})
    touch(record)
    return photo


def touch(record) -> None:
    """A record's photos are part of it as the API shows it: a change to them is a change of the
    record for the API's change feed (`updated_since`), so its updated_at moves too."""
    type(record).objects.filter(pk=record.pk).update(updated_at=timezone.now())


@transaction.atomic
def photo_delete(photo: Photo, *, user) -> None:
    record = photo.record
    check_can_write(user, record.branch)
    check_months_open(record.branch, months_touched(record))
    audit(user=user, action=AuditEntry.Action.PHOTO_DELETE, obj=record, changes={"photo": [photo.pk, None]})
    delete_photo_files_on_commit([photo])
    photo.delete()
    touch(record)
