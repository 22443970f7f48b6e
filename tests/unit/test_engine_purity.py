"""The engine is pure stdlib: no web, database or socket framework imports."""
from __future__ import annotations

import ast
import pathlib
import sys

import quiz.engine as engine

ENGINE_DIR = pathlib.Path(engine.__file__).parent
FORBIDDEN = {"flask", "flask_socketio", "flask_sqlalchemy", "sqlalchemy", "socketio",
             "engineio", "gevent", "werkzeug", "flask_babel", "flask_wtf"}
FORBIDDEN_CALLS = ("time.time", "datetime.now", "random.")


def _imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_engine_modules_import_only_the_stdlib():
    modules = sorted(ENGINE_DIR.rglob("*.py"))
    assert len(modules) >= 5
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    for path in modules:
        names = _imports(path)
        assert not names & FORBIDDEN, (path.name, names & FORBIDDEN)
        assert names <= stdlib, (path.name, names - stdlib)


def test_engine_never_reads_the_clock_or_global_randomness():
    for path in ENGINE_DIR.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for call in FORBIDDEN_CALLS:
            assert call not in source, (path.name, call)


def test_public_api_is_exactly_the_documented_names():
    assert sorted(engine.__all__) == sorted([
        "RuleError", "new_state", "apply", "view", "next_deadline", "standings",
        "HOST_COMMANDS", "PLAYER_COMMANDS", "host_commands", "already_buzzed"])
    assert engine.HOST_COMMANDS <= engine.host_commands()
    assert isinstance(engine.HOST_COMMANDS, frozenset)
    assert isinstance(engine.PLAYER_COMMANDS, frozenset)
    assert {"buzz", "answer", "choose_wager"} <= engine.PLAYER_COMMANDS
    assert "judge" in engine.HOST_COMMANDS and "buzz" not in engine.HOST_COMMANDS
