"""The shape of groups/ (docs/ARCHITECTURE.md), checked on the source itself:
the eligibility engine imports no Django. Each check is first run on a small
bad example, so a check that could never fail fails here."""

from __future__ import annotations

import ast
import re
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


# --------------------------------------------------------------------------
# Hand-written SQL lives in groups/sql/ only

SQL_WORDS = re.compile(
    r"\b(SELECT|INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|WITH\s+RECURSIVE|UNION(\s+ALL)?"
    r"|ON\s+CONFLICT|(LEFT\s+OUTER|INNER)\s+JOIN|COLLATE|ESCAPE\s+'|IS\s+NOT\s+NULL)\b"
)
RAW_CALLS = {"cursor", "raw", "extra", "RawSQL", "execute", "executemany"}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes (prose about SQL is allowed)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def raw_sql(source: str) -> list[str]:
    """Calls that run SQL by hand (.cursor(), .raw(), .extra(), RawSQL(),
    .execute()) and string literals (f-string parts too) that read as SQL."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):  # an f-string read whole, its holes as "x"
            text = "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
            found += [f"line {node.lineno}: {text.strip()[:60]!r}"] if SQL_WORDS.search(text) else []
            docs |= {id(v) for v in node.values}
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in RAW_CALLS:
                found.append(f"line {node.lineno}: {name}()")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            found += [f"line {node.lineno}: {node.value.strip()[:60]!r}"] if SQL_WORDS.search(node.value) else []
    return found


def test_the_sql_check_catches_statements_and_raw_calls():
    assert raw_sql('rows = fetch("SELECT id FROM groups_person WHERE branch_id = %s", [1])')
    assert raw_sql('q = f"UPDATE {table} SET x = 1"')
    assert raw_sql("with connection.cursor() as c:\n    pass")
    assert raw_sql("Person.objects.raw('x')")
    assert raw_sql("qs.annotate(n=RawSQL('1', []))")
    assert raw_sql('x = "(meeting_id, person_id) ON CONFLICT DO NOTHING"')
    assert raw_sql('def f():\n    """Reads in one UNION ALL."""\n    return "Select a person"') == []


def test_no_sql_is_written_outside_groups_sql():
    found = {}
    for path in sorted(GROUPS.rglob("*.py")):
        relative = path.relative_to(GROUPS)
        if relative.parts[0] in ("sql", "migrations"):
            continue
        if bad := raw_sql(path.read_text()):
            found[str(relative)] = bad
    assert found == {}


# --------------------------------------------------------------------------
# No import cycles inside groups/


def import_graph(root: Path = GROUPS) -> dict[str, set[str]]:
    """module → the modules of groups/ it imports (at the top or inside a function)."""
    paths = {module_name(p): p for p in root.rglob("*.py") if "migrations" not in p.parts}
    return {
        name: {
            m
            for m in imported(path.read_text(), name, is_package=path.name == "__init__.py")
            if m in paths and m != name
        }
        for name, path in paths.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle once, as the modules around it. An import between a
    package and a module inside it (a package's __init__ naming its parts,
    or a part importing its package) is not a cycle of concern and is left
    out."""

    def related(a: str, b: str) -> bool:
        return a.startswith(b + ".") or b.startswith(a + ".")

    edges = {u: {v for v in vs if not related(u, v)} for u, vs in graph.items()}
    found: dict[frozenset, list[str]] = {}

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(edges.get(node, ())):
            if nxt in path:
                loop = path[path.index(nxt) :]
                found.setdefault(frozenset(loop), [*loop, nxt])
            elif len(path) < 15:
                walk(nxt, [*path, nxt])

    for start in sorted(edges):
        walk(start, [start])
    return sorted(found.values())


def test_the_cycle_check_finds_a_cycle_and_ignores_package_parents():
    assert cycles({"g.door": {"g.queries"}, "g.queries": {"g.door"}}) == [["g.door", "g.queries", "g.door"]]
    assert cycles({"g.a": {"g.b"}, "g.b": {"g.c"}, "g.c": {"g.a"}}) != []
    assert cycles({"g.sql": {"g.sql.core"}, "g.sql.core": {"g.sql"}}) == []
    assert cycles({"g.a": {"g.b"}, "g.b": set()}) == []
    # Relative imports resolve to the modules they name.
    assert imported("from ..models import Person", "groups.queries.door", is_package=False) >= {"groups.models"}
    assert imported("from . import door", "groups.queries", is_package=True) >= {"groups.queries.door"}


def test_no_import_cycles_in_groups():
    graph = import_graph()
    assert "groups.eligibility.loading" in graph["groups.queries.door"]  # the graph is read, not empty
    assert cycles(graph) == []
