"""The shape of groups/ (docs/ARCHITECTURE.md), checked on the source itself:
the eligibility engine imports no Django. Each check is first run on a small
bad example, so a check that could never fail fails here."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GROUPS = ROOT / "groups"
ENGINE = GROUPS / "eligibility" / "engine"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, name: str, *, is_package: bool) -> set[str]:
    """Every module `source` (the module `name`) imports, relative imports
    resolved; for `from x import y`, both x and x.y (y may be a module)."""
    package = name if is_package else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            out.add(base)
            out |= {f"{base}.{alias.name}" for alias in node.names}
    return out


# --------------------------------------------------------------------------
# The engine is pure


def engine_impurities(source: str, name: str, *, is_package: bool = False) -> list[str]:
    """Imports of Django, or of any part of groups outside the engine."""
    return sorted(
        m
        for m in imported(source, name, is_package=is_package)
        if m == "django"
        or m.startswith("django.")
        or (m.startswith("groups") and not m.startswith("groups.eligibility.engine"))
    )


def test_the_engine_check_catches_a_model_import():
    where = "groups.eligibility.engine.evaluation"
    assert engine_impurities("from groups.models import Person", where) == ["groups.models", "groups.models.Person"]
    assert "groups.models" in engine_impurities("from ...models import Person", where)
    assert "groups.eligibility.loading" in engine_impurities("from .. import loading", where)
    assert engine_impurities("import django.db", where) == ["django.db"]
    assert engine_impurities("def f():\n    from django.utils import timezone\n", where) != []
    assert engine_impurities("from .facts import Decision\nimport re", where) == []


def test_nothing_in_the_engine_imports_django_or_models():
    files = sorted(ENGINE.glob("*.py"))
    assert len(files) >= 5
    found = {
        str(path.relative_to(ROOT)): bad
        for path in files
        if (bad := engine_impurities(path.read_text(), module_name(path), is_package=path.name == "__init__.py"))
    }
    assert found == {}


def test_importing_the_engine_loads_no_django():
    """Run for real in a fresh interpreter: importing the engine (and the
    packages above it) must not import Django at all."""
    check = (
        "import sys, groups.eligibility.engine as e; "
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith(('django.', 'groups.models'))); "
        "print(bad); sys.exit(1 if bad or not hasattr(e, 'evaluate') else 0)"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and a constant script)
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
