"""The package's shape, checked: imports run one way, only the CLI imports click, no private names cross modules,
and no module grows past what one reader can hold without saying why."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "careplan"
MODULES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for every import in the file, at any depth."""
    found: list[tuple[str, list[str], int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names], node.lineno))
    return found


def stage(module: str) -> str:
    """careplan.batch.run -> batch; careplan.pipeline -> pipeline."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def careplan_imports(path: Path) -> list[tuple[str, int]]:
    """The careplan modules a file imports (a name taken from a package counts as its submodule when it is one)."""
    out = []
    for module, names, line in imports(path):
        if module == "careplan" or module.startswith("careplan."):
            out.append((module, line))
            for name in names:
                place = PACKAGE.parent / f"{module}.{name}".replace(".", "/")
                if place.is_dir() or place.with_suffix(".py").is_file():
                    out.append((f"{module}.{name}", line))
    return out


FEATURES = {"interview", "batch", "mail"}
#: What each stage may import from careplan besides itself and the foundation.
FOUNDATION = {"errors", "_io", "_resources", "_version", "_cache"}
ALLOWED = {
    "interview": {"intake", "plantypes"},
    "mail": {"intake", "practice", "templating", "language"},  # language: the email body's phrases
    "intake": {"plantypes"},
    "plantypes": set(),
    "plan": set(),
}


def test_only_the_cli_imports_click() -> None:
    users = [
        f"{module_name(p)}:{line}"
        for p in MODULES
        for module, _, line in imports(p)
        if module.split(".")[0] == "click" and stage(module_name(p)) != "cli"
    ]
    assert users == []


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_imports_run_one_way(path: Path) -> None:
    here = stage(module_name(path))
    for module, line in careplan_imports(path):
        there = stage(module)
        where = f"{module_name(path)}:{line} imports {module}"
        if here in FEATURES:
            assert there != "cli" and (there not in FEATURES or there == here), where
        if here in ALLOWED:
            assert there in ALLOWED[here] | FOUNDATION | {here, ""} or module == "careplan", where
        if here in FOUNDATION:
            assert there in FOUNDATION | {""}, where
        if here == "mail":
            assert there not in {"documents", "pipeline", "rules"}, f"{where}: mail never renders"


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_no_private_name_crosses_a_module(path: Path) -> None:
    for module, names, line in imports(path):
        if module.startswith("careplan"):
            private = [
                n for n in names if n.startswith("_") and not n.endswith("__") and not (PACKAGE / f"{n}.py").exists()
            ]
            assert private == [], f"{module_name(path)}:{line} imports {private} from {module}"


#: A module longer than this, or a function longer than FUNCTION_LINES, says why in its docstring.
MODULE_LINES = 420
FUNCTION_LINES = 60
REASON = "Long on purpose:"


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_long_modules_and_functions_say_why(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if lines > MODULE_LINES:
        assert REASON in (ast.get_docstring(tree) or ""), f"{module_name(path)}: {lines} lines; split it or say why"
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > FUNCTION_LINES:
                where = f"{module_name(path)}.{node.name}: {length} lines; split it or say why"
                assert REASON in (ast.get_docstring(node) or ""), where
