"""Static files built from npm packages: a missing build is said at start-up, not found as a blank chart.

The dashboards load vendor/echarts/echarts-portal.min.js, the parts of Apache ECharts they
draw with, bundled by `npm run build` (make deps) from static_src/echarts-portal.js into
build/static/, which STATICFILES_DIRS serves. The file is never committed. Without it a
dashboard would draw no chart (and under production settings, where pages name the hashed
copy from collectstatic's manifest, fail to render), so every manage.py command, runserver and
collectstatic included, stops with this check's error instead.
"""

from pathlib import Path

from django.conf import settings
from django.core import checks

BUILT_ASSETS = {
    # static name: the npm script that writes it
    "vendor/echarts/echarts-portal.min.js": "npm run build",
}


def build_dir() -> Path:
    return Path(settings.BASE_DIR) / "build" / "static"


@checks.register(checks.Tags.staticfiles)
def check_built_assets(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for name, command in BUILT_ASSETS.items():
        path = build_dir() / name
        if not path.is_file():
            errors.append(
                checks.Error(
                    f"{path} is missing: the dashboards would draw no chart.",
                    hint=f"Run `make deps` (or `npm ci && {command}`) to build it.",
                    id="portal.E001",
                )
            )
    return errors
