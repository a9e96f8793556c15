"""No dead code: every module-level function and class of papertalk is used somewhere.

A definition counts as used when its name is loaded or imported anywhere in the package, its tests or
its benchmarks besides its own ``def``; decorated definitions (routes, CLI commands) are used by their
decorator, and Alembic calls each migration's ``upgrade`` and ``downgrade`` by name.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "papertalk"
MIGRATIONS = PACKAGE / "storage" / "migrations" / "versions"


def _definitions_and_uses() -> tuple[dict[str, str], set[str]]:
    defined: dict[str, str] = {}
    used: set[str] = set()
    for path in sorted(p for folder in ("papertalk", "tests", "bench") for p in (ROOT / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        in_package = path.is_relative_to(PACKAGE) and not path.is_relative_to(MIGRATIONS)
        for node in tree.body if in_package else ():
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.decorator_list:
                defined.setdefault(node.name, f"{path.relative_to(ROOT)}:{node.lineno}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                used.add(node.id)
            elif isinstance(node, ast.Attribute):
                used.add(node.attr)
            elif isinstance(node, ast.ImportFrom):
                used.update(alias.name for alias in node.names)
    return defined, used


def test_every_module_level_definition_is_used() -> None:
    defined, used = _definitions_and_uses()
    unused = sorted(f"{where}: {name}" for name, where in defined.items() if name not in used)
    assert not unused, "defined but never used:\n" + "\n".join(unused)
