"""Imports point down the layers (docs/architecture.md), with no list of exceptions.

Every import of every module of the project is read from its source, including those inside
functions, and checked against the layer of the module it names. A module may import its own
layer and the layers below; features and the generic record engine never import a kind app by
name (they read the registry, core/kinds.py).
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

from core.kinds import record_kinds

ROOT = Path(__file__).resolve().parent.parent

# Top to bottom. A package not listed here fails test_every_package_has_a_layer.
LAYERS = [
    {"config"},  # the project shell: settings, URLs, WSGI, middleware
    {"demo"},  # demo and synthetic data
    {"reports", "ledgers", "dashboards", "submissions", "reminders"},  # features
    "KIND_APPS",  # one app per family of record kinds
    {"records", "metrics"},  # the record engine and the roll-up store
    {"branches"},  # the branch tree, roles and access
    {"audit"},  # the audit log
    {"core", "background"},  # catalogue, periods, errors, privacy, the kind registry; the task queue
]
NOT_CODE = {"tests", "benchmarks", "scripts", "templates", "static", "locale", "docs", "node_modules"}


def kind_apps() -> set[str]:
    return {apps.get_app_config(k.app).name for k in record_kinds()}


def layer_of(package: str) -> int | None:
    for index, layer in enumerate(LAYERS):
        members = kind_apps() if layer == "KIND_APPS" else layer
        if package in members:
            return index
    return None


def project_packages() -> set[str]:
    return {
        p.name
        for p in ROOT.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in NOT_CODE and not p.name.startswith(".")
    }


def modules():
    for package in sorted(project_packages()):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def imports_of(path: Path):
    """(line, top-level package) of every absolute import in the file, at any depth."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def test_every_package_has_a_layer():
    assert {p for p in project_packages() if layer_of(p) is None} == set()


def test_the_kind_apps_are_found():
    assert {"services", "antifraud", "volunteering", "honours"} <= kind_apps()


@pytest.mark.parametrize("path", list(modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path):
    own = path.relative_to(ROOT).parts[0]
    own_layer = layer_of(own)
    packages = project_packages()
    kinds = kind_apps()
    upward = []
    for line, package in imports_of(path):
        if package not in packages or package == own:
            continue
        if layer_of(package) < own_layer:
            upward.append(f"line {line}: {package} is above {own}")
        elif package in kinds and own in kinds:
            continue  # kind apps may use each other (an intervention earns an honour)
        elif package in kinds and own != "demo" and own != "config":
            upward.append(f"line {line}: {own} names the kind app {package}; read the registry instead")
    assert upward == []
