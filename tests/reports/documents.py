"""Reading the report documents back: the PDF through pdfium, the .docx through python-docx."""

import ctypes
import io
import re
import zipfile

import pypdfium2
import pypdfium2.raw as pdfium
from docx import Document

CLOSING = "，。、；：？！）》〉」』】〕”’"
DEV_HOSTS = (b"127.0.0.1", b"localhost", b"testserver")


def pdf_pages(data: bytes) -> list[dict]:
    """Per page: its size in points, its text, its lines, the fonts of its text (name, embedded)
    and how many images it draws."""
    pdf = pypdfium2.PdfDocument(data)
    pages = []
    for page in pdf:
        text = page.get_textpage().get_text_range()
        fonts, images = set(), 0
        for obj in page.get_objects():
            if obj.type == pdfium.FPDF_PAGEOBJ_TEXT:
                font = pdfium.FPDFTextObj_GetFont(obj.raw)
                name = ctypes.create_string_buffer(256)
                pdfium.FPDFFont_GetBaseFontName(font, name, 256)
                fonts.add((name.value.decode(), bool(pdfium.FPDFFont_GetIsEmbedded(font))))
            elif obj.type == pdfium.FPDF_PAGEOBJ_IMAGE:
                images += 1
        lines = [line.strip() for line in re.split(r"[\r\n]+", text) if line.strip()]
        pages.append({"size": page.get_size(), "text": text, "lines": lines, "fonts": fonts, "images": images})
    return pages


def font_dictionaries(data: bytes) -> list[bytes]:
    """The PDF's font dictionaries as written (ReportLab writes them uncompressed)."""
    return re.findall(rb"<<[^<>]*/Type /Font\b[^<>]*>>", data)


def all_embedded(data: bytes) -> bool:
    descriptors = re.findall(rb"<<[^<>]*/Type /FontDescriptor[^<>]*>>|<<[^<>]*/FontName [^<>]*>>", data)
    fonts = font_dictionaries(data)
    return (
        bool(fonts)
        and all(b"/FontDescriptor" in f for f in fonts)
        and all(b"/FontFile2" in d or b"/FontFile3" in d for d in descriptors)
    )


def docx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def read_docx(data: bytes):
    return Document(io.BytesIO(data))


def docx_images(document) -> int:
    return sum(1 for rel in document.part.rels.values() if rel.reltype.endswith("/image"))
