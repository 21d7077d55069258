"""Imports go one way: screening stands on content and referrals, which stand on config.

Read from the source (every import statement, nested ones included), so a lazy import inside a
function counts as much as one at the top.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each layer may not import.
BELOW = {
    "config": {"screening", "content", "referrals"},
    "content": {"screening", "referrals"},
    "referrals": {"screening", "content"},
}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name.split(".")[0] for name in names}


def sources(app: str) -> list[Path]:
    return [p for p in sorted((ROOT / app).rglob("*.py")) if "migrations" not in p.parts]


@pytest.mark.parametrize("app", sorted(BELOW))
def test_an_app_imports_nothing_that_stands_on_it(app):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) & BELOW[app])
        for path in sources(app)
        if imported_apps(path) & BELOW[app]
    }
    assert wrong == {}


def test_the_check_sees_an_import_of_screening(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from screening.models import Submission\n")
    assert imported_apps(module) == {"screening"}
