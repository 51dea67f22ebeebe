"""The modules of reports import one another in one direction, counting imports inside functions:
tasks import builds (never the reverse), forms import the school's Excel form (never the reverse)."""

import ast
from pathlib import Path

REPORTS = Path(__file__).resolve().parents[2] / "reports"


def imported_modules(path):
    """The reports modules a module imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level == 1 and node.module:
            found.add(node.module.split(".")[0])
        elif node.level == 1 or node.module == "reports":  # from . import x / from reports import x
            found.update(alias.name for alias in node.names)
        elif node.level == 0 and (node.module or "").startswith("reports."):
            found.add(node.module.split(".")[1])
    return found


def graph():
    return {path.stem: imported_modules(path) for path in REPORTS.glob("*.py")}


def circles(edges):
    found = []

    def visit(module, path):
        for other in sorted(edges.get(module, ())):
            if other in path:
                found.append(" → ".join(path[path.index(other):] + [other]))
            elif other in edges:
                visit(other, path + [other])

    for module in sorted(edges):
        visit(module, [module])
    return found


def test_the_graph_is_read():
    edges = graph()
    assert {"builds", "tasks", "actions", "forms", "school_form_xlsx"} <= set(edges)
    assert "builds" in edges["tasks"] and "school_form_xlsx" in edges["forms"]


def test_no_module_of_reports_imports_itself_back():
    assert circles(graph()) == []


def test_circles_are_found_through_imports_inside_functions(tmp_path):
    (tmp_path / "builds.py").write_text("from .content import x\n")
    (tmp_path / "content.py").write_text("def f():\n    from .builds import y\n")
    edges = {path.stem: imported_modules(path) for path in tmp_path.glob("*.py")}
    assert "builds → content → builds" in circles(edges)
