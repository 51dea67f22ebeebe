"""The apps depend on each other in one direction only (conventions.md):

    units ← plans (documents, tasks) ← periods ← targets ← reports ← importer, api ← demo

`plans` and `periods` both sit on `units` alone and know nothing of each other. Each app imports only
the apps to its left; string model references ("reports.Period") count as imports; no app imports
`config`. Migrations are left out: they are history, and a database of an earlier layout must still
migrate forward through them.
"""

import ast
import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
RANK = {"units": 0, "plans": 1, "periods": 1, "targets": 2, "reports": 3, "importer": 4, "api": 4, "demo": 5}
APPS = set(RANK)
MODEL_REFERENCE = re.compile(r"^({})\.[A-Z]\w*$".format("|".join(sorted(APPS | {"config"}))))


def may_import(app, other):
    return other == app or (other in RANK and RANK[other] < RANK[app])


def imports_of(source):
    """(line, app) for every import and every string model reference of a module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and MODEL_REFERENCE.match(node.value):
            found.append((node.lineno, node.value.split(".")[0]))
    return [(line, app) for line, app in found if app in APPS or app == "config"]


def app_modules():
    for app in sorted(APPS):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def violations():
    wrong = []
    for app, path in app_modules():
        for line, other in imports_of(path.read_text(encoding="utf-8")):
            if not may_import(app, other):
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({app}) imports {other}")
    return wrong


def test_every_app_of_the_layering_exists_and_is_read():
    modules = list(app_modules())
    assert {app for app, _ in modules} == APPS
    assert len(modules) > 40


def test_no_module_imports_against_the_direction():
    assert violations() == []


def test_no_relation_between_models_points_up_the_layers():
    wrong = []
    for model in apps.get_models():
        app = model._meta.app_label
        if app not in APPS:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if field.is_relation and not field.auto_created and field.related_model is not None:
                other = field.related_model._meta.app_label
                if other in APPS and not may_import(app, other):
                    wrong.append(f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")
    assert wrong == []


def test_the_reader_sees_every_kind_of_dependency():
    source = '''
import reports.models
from targets.models import Target
from config import settings


def later():
    from demo import loader

period = models.ForeignKey("periods.Period", on_delete=models.PROTECT)
label = "reports.html"
'''
    assert sorted(app for _, app in imports_of(source)) == ["config", "demo", "periods", "reports", "targets"]
    assert not may_import("plans", "periods") and not may_import("periods", "plans")
    assert not may_import("targets", "reports") and may_import("reports", "targets")
    assert not may_import("units", "config")
