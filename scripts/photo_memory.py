"""Peak memory of a worker checking one photo upload, before and after the decoded-size bound.

Usage: .venv/bin/python scripts/photo_memory.py [--before COMMIT]

Writes small files that decode to a lot: PNGs of one colour just under the 40-megapixel cap in
modes of few bytes per pixel (1, P, L, I;16) and of four (LA, RGBA), and the largest photo the
bound accepts (a 20-megapixel RGB JPEG taken sideways, EXIF orientation 6). Each file goes
through records.photos.clean_image in a fresh process; the figure is the process's peak resident
memory during the call (VmHWM, reset just before it) minus its resident memory (VmRSS) then. With --before, the clean_image of that
commit (default: the commit before the bound) runs on the same files, for comparison. Prints a
table for docs/reliability.md.
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def _files(folder: Path) -> list[tuple[str, Path]]:
    from PIL import Image

    side = 6324  # 39.99 megapixels, just under PHOTO_MAX_PIXELS
    made = []
    for mode in ("1", "P", "L", "I;16", "LA", "RGBA"):
        path = folder / f"{mode.replace(';', '')}-{side}x{side}.png"
        Image.new(mode, (side, side)).save(path, "PNG", optimize=False, compress_level=9)
        made.append((f"PNG {mode}, {side}×{side} (40.0 MP)", path))
    side = 4300  # 18.5 megapixels: the largest square RGBA PNG the bound accepts
    path = folder / f"rgba-{side}x{side}.png"
    Image.new("RGBA", (side, side), (0, 128, 0, 128)).save(path, "PNG", compress_level=9)
    made.append((f"PNG RGBA, {side}×{side} (18.5 MP)", path))
    exif = Image.Exif()
    exif[0x0112] = 6  # taken sideways: turned upright on upload
    path = folder / "rgb-5472x3648.jpg"
    Image.new("RGB", (5472, 3648), "green").save(path, "JPEG", exif=exif, quality=85)
    made.append(("JPEG RGB, 5472×3648 (20.0 MP), orientation 6", path))
    return made


def _child(path: str, before: str | None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    if before:
        source = subprocess.run(
            ["git", "show", f"{before}:portal/photos.py"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
        module = types.ModuleType("photos_before")
        exec(compile(source, "photos_before.py", "exec"), module.__dict__)  # noqa: S102 - our own history
        clean_image = module.clean_image
    else:
        from records.photos import clean_image
    data = Path(path).read_bytes()
    upload = SimpleUploadedFile(Path(path).name, data)
    _reset_peak()
    baseline = _status_kb("VmRSS")
    try:
        clean_image(upload)
        outcome = "accepted"
    except ValidationError as exc:
        outcome = f"refused ({exc.code})"
    peak = _status_kb("VmHWM")
    print(json.dumps({"baseline_kb": baseline, "peak_kb": peak, "outcome": outcome, "file_bytes": len(data)}))


def _reset_peak() -> None:
    """Start the peak (VmHWM) afresh: importing Django peaks higher than it stays."""
    Path("/proc/self/clear_refs").write_text("5")


def _status_kb(name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise LookupError(name)


def _run(path: Path, before: str | None) -> dict:
    command = [sys.executable, __file__, "--child", str(path)] + (["--before", before] if before else [])
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--before", nargs="?", const="81d213f")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.before)
        return
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for label, path in _files(Path(folder)):
            row = {"file": label, "kb": path.stat().st_size // 1024}
            for key, commit in (("before", args.before), ("after", None)):
                if key == "before" and not commit:
                    continue
                got = _run(path, commit)
                row[key] = (got["outcome"], (got["peak_kb"] - got["baseline_kb"]) // 1024, got["baseline_kb"] // 1024)
            rows.append(row)
    out = io.StringIO()
    out.write("| file | size | before: outcome, peak above baseline | after: outcome, peak above baseline |\n")
    out.write("|---|---:|---|---|\n")
    for row in rows:
        before = f"{row['before'][0]}, +{row['before'][1]} MB" if "before" in row else "-"
        after = f"{row['after'][0]}, +{row['after'][1]} MB"
        out.write(f"| {row['file']} | {row['kb']} kB | {before} | {after} |\n")
    baseline = rows[0]["after"][2]
    out.write(f"\nBaseline (a worker with Django loaded): {baseline} MB resident.\n")
    print(out.getvalue())


if __name__ == "__main__":
    main()
