"""A photo's memory is bounded in bytes before anything is decoded (issue 15, item 7).

A small PNG just under the pixel cap in a mode of few bytes per pixel took a worker from 106 MB
to over 1 GB: the cap counted pixels, the conversions to RGB multiplied the bytes. Files here
claim any size up to the pixel cap in every mode PNG and JPEG can carry (their headers are
patched: the files stay tiny): those whose decoding and conversions would pass
PHOTO_MAX_DECODED_BYTES are refused before a single pixel is decoded; the others reach the
decoder. Real small images of every mode go through the whole pipeline. The memory figures
(scripts/photo_memory.py) are in docs/reliability.md.
"""

import io
import struct
import zlib

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

from records.photos import clean_image, decoded_bytes
from tests.entry.conftest import upload

# Every mode a PNG or JPEG upload opens in (16-bit RGB PNGs open as RGB).
PNG_MODES = ["1", "L", "P", "LA", "RGB", "RGBA", "I;16"]
JPEG_MODES = ["L", "RGB", "CMYK"]


class Decoded(Exception):
    """Raised instead of decoding: the check let the file through to the decoder."""


def png_claiming(mode: str, width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (4, 4)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def jpeg_claiming(mode: str, width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (8, 8)).save(buf, "JPEG")
    data = bytearray(buf.getvalue())
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def claims(draw_mode, width, height):
    fmt, mode = draw_mode
    return (png_claiming if fmt == "PNG" else jpeg_claiming)(mode, width, height)


MODES = st.sampled_from([("PNG", m) for m in PNG_MODES] + [("JPEG", m) for m in JPEG_MODES])


@hypothesis_settings(max_examples=300, deadline=None)
@given(fmt_mode=MODES, width=st.integers(1, 65535), height=st.integers(1, 65535))
@example(fmt_mode=("PNG", "1"), width=6324, height=6324)  # the issue's file: 40 MP of 1-bit
@example(fmt_mode=("PNG", "P"), width=6324, height=6324)
@example(fmt_mode=("PNG", "I;16"), width=6324, height=6324)
@example(fmt_mode=("JPEG", "RGB"), width=5472, height=3648)  # 20 MP: accepted
@example(fmt_mode=("JPEG", "CMYK"), width=6000, height=4000)
def test_the_decoded_size_is_refused_before_decoding(fmt_mode, width, height):
    fmt, mode = fmt_mode
    if fmt == "JPEG" and max(width, height) > 65500:
        return  # beyond JPEG's own limit
    data = claims(fmt_mode, width, height)
    if width * height <= settings.PHOTO_MAX_PIXELS:
        with Image.open(io.BytesIO(data)) as probe:
            assert (probe.size, probe.mode) == ((width, height), mode)
    original = ImageFile.ImageFile.load
    ImageFile.ImageFile.load = lambda self, *a, **k: (_ for _ in ()).throw(Decoded(self.mode))
    try:
        with pytest.raises((ValidationError, Decoded)) as caught:
            clean_image(upload(data, name=f"x.{fmt.lower()}"))
    finally:
        ImageFile.ImageFile.load = original
    too_many_pixels = width * height > settings.PHOTO_MAX_PIXELS
    too_big = decoded_bytes(width, height, mode) > settings.PHOTO_MAX_DECODED_BYTES
    if too_many_pixels:
        assert caught.value.code == "pixels" if isinstance(caught.value, ValidationError) else False
    elif too_big:
        assert isinstance(caught.value, ValidationError) and caught.value.code == "decoded_size", caught.value
    else:
        assert isinstance(caught.value, Decoded), caught.value  # reached the decoder, not refused for size


def test_the_issue_file_is_refused_with_a_clear_message():
    data = png_claiming("1", 6324, 6324)  # 39.99 MP, 1 bit per pixel in the file, 9 bytes in memory
    assert len(data) < 200
    with pytest.raises(ValidationError) as caught:
        clean_image(upload(data, name="huge.png"))
    assert caught.value.code == "decoded_size" and "6324 × 6324" in caught.value.messages[0]


def test_the_bound_follows_its_setting(settings):
    settings.PHOTO_MAX_DECODED_BYTES = decoded_bytes(100, 100, "RGBA")
    real = io.BytesIO()
    Image.new("RGBA", (100, 101), (0, 0, 0, 0)).save(real, "PNG")
    with pytest.raises(ValidationError) as caught:
        clean_image(upload(real.getvalue(), name="a.png"))
    assert caught.value.code == "decoded_size"
    smaller = io.BytesIO()
    Image.new("RGBA", (100, 100), (0, 0, 0, 0)).save(smaller, "PNG")
    assert clean_image(upload(smaller.getvalue(), name="b.png"))[2:4] == (100, 100)


@pytest.mark.parametrize("fmt, mode", [("PNG", m) for m in PNG_MODES] + [("JPEG", m) for m in JPEG_MODES])
def test_every_mode_is_converted_to_an_rgb_jpeg(fmt, mode):
    image = Image.new(mode, (60, 40))
    if mode == "P":
        image.info["transparency"] = 0
    buf = io.BytesIO()
    image.save(buf, fmt)
    jpeg, thumb, width, height, _captured = clean_image(upload(buf.getvalue(), name=f"x.{fmt.lower()}"))
    assert (width, height) == (60, 40)
    for data in (jpeg, thumb):
        with Image.open(io.BytesIO(data)) as out:
            assert out.format == "JPEG" and out.mode == "RGB"


def test_transparency_is_flattened_onto_white():
    buf = io.BytesIO()
    Image.new("RGBA", (10, 10), (255, 0, 0, 0)).save(buf, "PNG")
    jpeg, *_rest = clean_image(upload(buf.getvalue(), name="clear.png"))
    with Image.open(io.BytesIO(jpeg)) as out:
        assert min(out.getpixel((5, 5))) > 240
