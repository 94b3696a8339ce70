"""Preview of the report documents as an evaluator opens them (make documents-preview).

On a scratch SQLite database holding the demo data (one photo added to a typical case), builds
the 2025 highlights report of WH as PDF and Word, one evidence pack and WH's dashboard export
(XLSX); renders the first four pages of the PDF to PNG and, when LibreOffice (soffice) is
installed, converts the Word files and the workbook to PDF (as they print) and renders theirs. Everything goes to test-artifacts/documents/ (not committed). Without
LibreOffice it says so and still exits 0.
"""

import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test-artifacts" / "documents"
PAGES = 4


def render(pdf: Path, stem: str) -> list[Path]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    written = []
    for index in range(min(PAGES, len(document))):
        png = OUT / f"{stem}-page{index + 1}.png"
        document[index].render(scale=1.5).to_pil().save(png)
        written.append(png)
    return written


def setup() -> None:
    database = OUT / "preview.sqlite3"
    database.unlink(missing_ok=True)
    os.environ.update(DATABASE_URL=f"sqlite:///{database}", PORTAL_DEMO="1", DJANGO_SETTINGS_MODULE="config.settings")
    os.environ.setdefault("SITE_URL", "https://portal.example.cn")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="preview-media-")  # the demo's photo, not in media/
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())


def add_photo(user, branch) -> None:
    """A photo on a record of the report's typical cases (the demo has none)."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    from core.kinds import kind_for_slug
    from records.photos import photo_add

    record = kind_for_slug("home-visits").model.objects.filter(branch=branch, occurred_on__year=2025).first()
    if record is None:
        return
    image = Image.new("RGB", (1200, 900), "#c7000b")
    ImageDraw.Draw(image).rectangle((200, 150, 1000, 750), fill="#f2f2f2")
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = datetime.datetime(2025, 8, 14, 10, 30).strftime("%Y:%m:%d %H:%M:%S")
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    upload = SimpleUploadedFile("visit.jpg", out.getvalue(), content_type="image/jpeg")
    try:
        photo_add(record, user=user, upload=upload, caption="上门办理养老金认证")
    except Exception as refused:  # a locked month, say: the preview goes on without the photo
        print(f"No photo added to {record}: {refused}")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    setup()
    from django.contrib.auth import get_user_model

    from branches.models import Branch
    from core.periods import parse_period
    from dashboards.exports import workbook_bytes
    from dashboards.summary import build_summary
    from reports.documents import docx_bytes, pdf_bytes
    from reports.evidence import build_pack
    from reports.evidence_files import pack_zip
    from reports.highlights import build_report
    from reports.models import EvaluationScheme

    users = get_user_model().objects
    add_photo(users.filter(is_superuser=True).first(), Branch.objects.get(code="WH-BBT"))
    report = build_report(users.get(username="analyst_wh"), Branch.objects.get(code="WH"), parse_period("2025"))
    (OUT / "highlights.pdf").write_bytes(pdf_bytes(report))
    (OUT / "highlights.docx").write_bytes(docx_bytes(report))
    scheme = EvaluationScheme.objects.get(code="civilized-outlet")
    pack = build_pack(users.get(username="analyst_wh"), scheme, Branch.objects.get(code="WH-BBT"), 2025)
    with zipfile.ZipFile(io.BytesIO(pack_zip(pack, lambda url: url))) as archive:
        (OUT / "evidence-index.docx").write_bytes(archive.read("00_佐证材料清单.docx"))
    (OUT / "dashboard.xlsx").write_bytes(
        workbook_bytes(build_summary(Branch.objects.get(code="WH"), parse_period("2025")))
    )
    written = render(OUT / "highlights.pdf", "highlights-pdf")
    if soffice:
        converted = OUT / "libreoffice"
        for name in ("highlights.docx", "evidence-index.docx", "dashboard.xlsx"):
            stem = Path(name).stem
            subprocess.run(
                [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(converted), str(OUT / name)],
                check=False,
                capture_output=True,
                timeout=300,
            )
            if (converted / f"{stem}.pdf").exists():
                written += render(converted / f"{stem}.pdf", f"{stem}-{Path(name).suffix[1:]}")
            else:  # Writer alone converts no workbook: libreoffice-calc-nogui does
                print(f"LibreOffice could not convert {name} (for a workbook: apt-get install libreoffice-calc-nogui).")
    else:
        print(
            "LibreOffice (soffice) is not installed: the Word files are not converted (apt-get install libreoffice-writer-nogui)."
        )
    print("\n".join(str(p.relative_to(ROOT)) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
