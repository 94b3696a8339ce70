"""Front-end libraries come from npm at the versions package.json and its lock pin (ECharts as the
bundle `npm run build` makes of the parts the dashboards use), and production serves them under
content-hashed names (whitenoise's CompressedManifestStaticFilesStorage)."""

import json
import re
import subprocess
import sys

import pytest

from tests.production.processes import BASE_DIR, manage, production_env, test_database_url, write_settings

VENDOR = {
    # static name: the file npm installed
    "vendor/bootstrap/css/bootstrap.min.css": "node_modules/bootstrap/dist/css/bootstrap.min.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js": "node_modules/bootstrap/dist/js/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js": "node_modules/htmx.org/dist/htmx.min.js",
    # the parts of ECharts the dashboards use, bundled by npm run build (static_src/echarts-portal.js)
    "vendor/echarts/echarts-portal.min.js": "build/static/vendor/echarts/echarts-portal.min.js",
}
HASHED = re.compile(r"\.[0-9a-f]{12}\.")
SOURCE_MAP = re.compile(rb"sourceMappingURL=\S+")


def without_source_map(content: bytes) -> bytes:
    return SOURCE_MAP.sub(b"sourceMappingURL=", content)


RENDER_PAGES = """
import json, re, django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client

client = Client()
pages = {"login": client.get("/accounts/login/", secure=True)}
client.force_login(get_user_model().objects.get(username="root"))
pages["dashboard"] = client.get("/dashboard/ICBC/", secure=True)
out = {"pages": {}, "assets": {}}
for name, response in pages.items():
    html = response.content.decode()
    out["pages"][name] = {"status": response.status_code, "html": html}
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        asset = client.get(url, secure=True, HTTP_ACCEPT_ENCODING="gzip")
        out["assets"][url] = {
            "status": asset.status_code,
            "cache_control": asset.headers.get("Cache-Control", ""),
            "content_encoding": asset.headers.get("Content-Encoding", ""),
        }
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic as `make serve` runs it, into a temporary STATIC_ROOT."""
    workdir = tmp_path_factory.mktemp("production-static")
    static_root = workdir / "static"
    write_settings(workdir, static_root=static_root)
    env = production_env(workdir, database_url=f"sqlite:///{workdir / 'unused.sqlite3'}")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    return {"workdir": workdir, "static_root": static_root, "manifest": manifest}


def test_npm_packages_are_the_versions_package_json_and_its_lock_pin():
    pinned = json.loads((BASE_DIR / "package.json").read_text())["dependencies"]
    lock = json.loads((BASE_DIR / "package-lock.json").read_text())
    assert set(pinned) == {"bootstrap", "htmx.org", "echarts"}
    assert lock["packages"][""]["dependencies"] == pinned
    for name, version in pinned.items():
        locked = lock["packages"][f"node_modules/{name}"]
        assert locked["version"] == version and locked["integrity"].startswith("sha512-")
        installed = json.loads((BASE_DIR / "node_modules" / name / "package.json").read_text())
        assert installed["version"] == version, f"node_modules/{name} is not what the lock pins: run npm ci"


def test_the_bundler_is_pinned_exactly_and_builds_into_the_ignored_build_directory():
    package = json.loads((BASE_DIR / "package.json").read_text())
    lock = json.loads((BASE_DIR / "package-lock.json").read_text())
    esbuild = package["devDependencies"]["esbuild"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", esbuild), "pin the exact version (npm install --save-exact)"
    assert lock["packages"][""]["devDependencies"]["esbuild"] == esbuild
    assert lock["packages"]["node_modules/esbuild"]["version"] == esbuild
    build = package["scripts"]["build"]
    assert "static_src/echarts-portal.js" in build and "--minify" in build
    assert "--outfile=build/static/vendor/echarts/echarts-portal.min.js" in build
    assert "/build/" in (BASE_DIR / ".gitignore").read_text().split()
    tracked = subprocess.run(["git", "ls-files", "build"], cwd=BASE_DIR, capture_output=True, text=True)
    assert tracked.returncode == 0 and tracked.stdout == ""


def test_collectstatic_maps_the_vendor_assets_to_hashed_compressed_files(collected):
    manifest, root = collected["manifest"], collected["static_root"]
    for name, npm_file in VENDOR.items():
        hashed = manifest[name]
        stem, ext = name.rsplit(".", 1)
        assert re.fullmatch(re.escape(stem) + r"\.[0-9a-f]{12}\." + ext, hashed), hashed
        assert (root / hashed).is_file() and (root / f"{hashed}.gz").is_file()
        # The file npm installed, with only its source-map reference pointed at the hashed map.
        assert without_source_map((root / hashed).read_bytes()) == without_source_map(
            (BASE_DIR / npm_file).read_bytes()
        )
    assert HASHED.search(manifest["portal/portal.js"]) and HASHED.search(manifest["portal/portal.css"])
    # Of ECharts only the bundle of the parts the dashboards use: none of the npm package's builds
    # (echarts.min.js alone was 1 MB, 368 KB compressed; with the others and their maps 45 MB).
    assert [name for name in manifest if name.startswith("vendor/echarts/")] == ["vendor/echarts/echarts-portal.min.js"]
    assert sum(f.stat().st_size for f in root.rglob("*") if f.is_file()) < 100 * 1024 * 1024


@pytest.mark.django_db(transaction=True)
def test_pages_under_production_settings_load_only_hashed_assets_of_this_server(collected, net):
    """Rendered by Django under PORTAL_ENV=production (a subprocess on this test's database)."""
    env = production_env(collected["workdir"], database_url=test_database_url())
    script = collected["workdir"] / "render_pages.py"
    script.write_text(RENDER_PAGES)
    result = subprocess.run(
        [sys.executable, str(script)], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    manifest = collected["manifest"]

    for name, page in out["pages"].items():
        assert page["status"] == 200, name
        html = page["html"]
        # Nothing from another host: every script, stylesheet and icon is a path on this server.
        assert not re.findall(r'(?:src|href)="(?:https?:)?//', html), name
        static_urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
        assert static_urls and all(HASHED.search(url) for url in static_urls), static_urls
    dashboard = out["pages"]["dashboard"]["html"]
    for name in VENDOR:
        assert f'"/static/{manifest[name]}"' in dashboard, name

    # whitenoise serves them compressed, cacheable for ever (a new release has new names).
    assert set(out["assets"]) >= {f"/static/{manifest[name]}" for name in VENDOR}
    for url, asset in out["assets"].items():
        assert asset["status"] == 200, url
        assert "immutable" in asset["cache_control"] and "max-age=315360000" in asset["cache_control"], asset
        assert asset["content_encoding"] == "gzip", url
