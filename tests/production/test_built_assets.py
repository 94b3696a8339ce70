"""Without the ECharts bundle (`npm run build`, make deps) the server does not start: a system
check says what is missing and how to build it, instead of dashboards without charts."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from config import static_assets


def test_the_bundle_that_make_deps_built_passes_the_check():
    assert (static_assets.build_dir() / "vendor/echarts/echarts-portal.min.js").is_file()
    assert static_assets.check_built_assets() == []
    assert static_assets.check_built_assets in checks.registry.registry.get_checks()


def test_a_missing_bundle_stops_every_command_with_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setattr(static_assets, "build_dir", lambda: tmp_path)
    [error] = static_assets.check_built_assets()
    assert error.id == "portal.E001" and error.level == checks.ERROR
    assert str(tmp_path / "vendor/echarts/echarts-portal.min.js") in error.msg
    assert "make deps" in error.hint and "npm run build" in error.hint
    # collectstatic (make serve) and runserver (make run) run the staticfiles checks first.
    with pytest.raises(SystemCheckError, match="portal.E001"):
        call_command("check", tags=[checks.Tags.staticfiles])
