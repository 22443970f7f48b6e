"""Dependencies flow one way: the import graph of quiz and question_bank, read from the source.

Every import counts, also those inside functions (they hide cycles, they do not remove them).
Layers of quiz, lower first: base < engine < record < live < setup < web, commands < factory,
startup; a module imports its own layer and lower ones. question_bank imports only quiz.base;
quiz reaches the bank only through question_bank.service (the composition root and the schema
may import the bank's package and models). No cycle between modules.
"""
from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGES = ("quiz", "question_bank")

# quiz's layers: a module may import its own layer and the lower ranks
RANK = {"base": 0, "engine": 1, "record": 2, "live": 3, "setup": 4, "web": 5, "commands": 5,
        "factory": 6, "startup": 6}
# what of the bank quiz may import, and from where (the composition root and the schema)
BANK_FOR_ALL = {"question_bank.service"}
BANK_FOR_ROOT = {"question_bank", "question_bank.models"}
ROOT_MODULES = {"quiz.factory", "quiz.record.schema"}
# the bank's pure readers: cells in, questions and problems out (docs/bank-code.md)
BANK_PURE = ("answers", "bundles", "cellformat", "fixes", "headers", "layouts", "map_messages",
             "media_collect", "media_messages", "media_types", "messages", "normalize",
             "parsed", "row_reader", "sheet_pictures", "sheets")
FRAMEWORKS = {"flask", "flask_socketio", "flask_sqlalchemy", "sqlalchemy", "socketio",
              "engineio", "gevent", "werkzeug", "flask_babel", "flask_wtf", "alembic"}


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, pathlib.Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The module of ours that ``import name`` loads (a package's __init__ or a file), if any."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imported(module: str, path: pathlib.Path) -> set[str]:
    """Every module (ours or not) that ``module`` imports, anywhere in its source."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                start = ".".join(base + ([node.module] if node.module else []))
            else:
                start = node.module or ""
            # ``from pkg import name``: name may be a module of pkg or a name in pkg
            for alias in node.names:
                full = f"{start}.{alias.name}"
                names.add(full if full in MODULES else start)
    return names


def _graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        ours = {_resolve(n) for n in _imported(module, path)} - {None, module}
        graph[module] = ours
    return graph


GRAPH = _graph()


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "quiz" and len(parts) > 1 else None


def test_the_graph_is_read():
    """The reader finds the modules and their imports (a broken reader would pass everything)."""
    assert len(MODULES) > 60
    assert "quiz.base.extensions" in GRAPH["question_bank.models"]
    assert "question_bank.service" in GRAPH["quiz.live.draws"]
    # an import inside a function counts
    assert "quiz.setup.contests" in GRAPH["quiz.startup"]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle():
    assert _cycles(GRAPH) == []


def _layer_violations() -> list[tuple[str, str]]:
    bad = []
    for module, targets in GRAPH.items():
        layer = _layer(module)
        if layer is None:
            continue
        for target in targets:
            other = _layer(target)
            if other is None or other == layer:
                continue
            if RANK[other] >= RANK[layer]:
                bad.append((module, target))
    return sorted(bad)


def test_quiz_layers_import_only_lower_layers():
    assert _layer_violations() == []


def test_the_bank_imports_only_quiz_base():
    bad = sorted((m, t) for m, targets in GRAPH.items() if m.startswith("question_bank")
                 for t in targets if t.startswith("quiz") and _layer(t) != "base")
    assert bad == []


def test_quiz_reaches_the_bank_only_through_its_service():
    bad = []
    for module, targets in GRAPH.items():
        if not module.startswith("quiz"):
            continue
        allowed = BANK_FOR_ALL | (BANK_FOR_ROOT if module in ROOT_MODULES else set())
        bad += [(module, t) for t in targets if t.startswith("question_bank") and t not in allowed]
    assert sorted(bad) == []


def _frameworks(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & FRAMEWORKS


@pytest.mark.parametrize("name", BANK_PURE)
def test_the_bank_readers_are_pure(name):
    """The sheet reader is plain Python: no web or database framework, even indirectly."""
    module = f"question_bank.{name}"
    assert module in MODULES, module
    seen, todo = set(), [module]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        assert not _frameworks(MODULES[m]), (m, _frameworks(MODULES[m]))
        todo += GRAPH[m]
