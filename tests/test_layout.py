"""Guards of the house style (DESIGN.md §3, §4.10, §4.12): sizes, the import direction and the Lua
scripts. They read the source; a failure names the place and the rule it breaks."""
from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = [ROOT / "axa", ROOT / "ops", ROOT / "bench"]
MODULE_LINES, FUNCTION_LINES, VIEW_LINES, TASK_LINES = 300, 40, 15, 25
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
# who may import whom: a layer imports itself and the layers after it, never one before it
LAYERS = {"axa.blueprints": 0, "axa.tasks": 0, "axa.models": 1, "axa.clients": 1, "axa.platform": 2}


def sources() -> Iterator[Path]:
    for top in CODE:
        for path in sorted(top.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path
    yield from sorted(ROOT.glob("*.py"))


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def where(path: Path, node: ast.AST | None = None) -> str:
    return f"{path.relative_to(ROOT)}" + (f":{node.lineno}" if node is not None else "")


def body_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function's body, its docstring left out."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        body = body[1:] or body
    return body[-1].end_lineno - body[0].lineno + 1


def functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def decorator_names(function) -> set[str]:
    names = set()
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.add(target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", ""))
    return names


def test_modules_stay_short():
    long = [f"{where(p)}: {n} lines" for p in sources() if (n := len(p.read_text().splitlines())) > MODULE_LINES]
    assert not long, f"modules over {MODULE_LINES} lines (DESIGN.md §4.10): {long}"


def test_functions_stay_short():
    long = [f"{where(p, f)} {f.name}: {body_lines(f)} lines" for p in sources() for f in functions(parsed(p))
            if body_lines(f) > FUNCTION_LINES]
    assert not long, f"functions over {FUNCTION_LINES} lines (DESIGN.md §4.10): {long}"


def test_view_bodies_stay_short():
    long = []
    for path in sorted((ROOT / "axa" / "blueprints").rglob("routes.py")):
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.ClassDef):
                long += [f"{where(path, f)} {node.name}.{f.name}: {body_lines(f)} lines" for f in node.body
                         if isinstance(f, ast.FunctionDef) and f.name in HTTP_METHODS and body_lines(f) > VIEW_LINES]
    assert not long, f"view bodies over {VIEW_LINES} lines (DESIGN.md §4.10): {long}"


def test_task_bodies_stay_short():
    long = [f"{where(p, f)} {f.name}: {body_lines(f)} lines" for p in sorted((ROOT / "axa" / "tasks").rglob("*.py"))
            for f in functions(parsed(p)) if "shared_task" in decorator_names(f) and body_lines(f) > TASK_LINES]
    assert not long, f"task bodies over {TASK_LINES} lines (DESIGN.md §4.10): {long}"


def imported(tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    """Every module a file imports: import statements, and importlib.import_module / __import__
    calls whose name is a string or an f-string (its constant prefix)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node, node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args:
            name = node.args[0]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                yield node, name.value
            elif isinstance(name, ast.JoinedStr) and name.values and isinstance(name.values[0], ast.Constant):
                yield node, str(name.values[0].value)


def layer_of(module: str) -> str | None:
    return next((layer for layer in LAYERS if module == layer or module.startswith(layer + ".")), None)


def test_imports_point_down_the_layers():
    """blueprints / tasks -> models / clients -> platform: never back up, importlib sites included
    (a dynamic name counts by its constant prefix, e.g. f"axa.blueprints.{sub}")."""
    wrong = []
    for path in sorted((ROOT / "axa").rglob("*.py")):
        own = layer_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
        if own is None:
            continue
        for node, name in imported(parsed(path)):
            layer = layer_of(name.rstrip("."))
            if layer is not None and LAYERS[layer] < LAYERS[own]:
                wrong.append(f"{where(path, node)} ({own}) imports {name}")
            elif layer is not None and LAYERS[layer] == LAYERS[own] == 1 and layer != own:
                wrong.append(f"{where(path, node)} ({own}) imports {name}: models and clients stay apart")
    assert not wrong, wrong


def test_lua_lives_in_lua_files_each_with_a_user():
    """No Lua in Python strings; every .lua file is loaded by the module beside it."""
    inline = [where(p) for p in sources() if "redis.call(" in p.read_text()]
    assert not inline, f"Lua inside Python source: {inline}"
    for script in sorted((ROOT / "axa").rglob("*.lua")):
        users = [p for p in script.parent.glob("*.py") if f'"{script.stem}"' in p.read_text()]
        assert users, f"{where(script)} is loaded by no module beside it"


def test_the_measures_see_what_they_must():
    """Docstrings do not count; dynamic imports count by their constant prefix."""
    function = ast.parse('def f():\n    """doc"""\n' + "    x = 1\n" * 41).body[0]
    assert body_lines(function) == 41
    tree = ast.parse("import importlib\nfrom axa.models import db\n"
                     "importlib.import_module(f'axa.blueprints.{sub}')\n__import__('axa.tasks.x')\n")
    assert [name for _, name in imported(tree)] == ["importlib", "axa.models", "axa.blueprints.", "axa.tasks.x"]
    assert layer_of("axa.blueprints") == "axa.blueprints" and layer_of("axa.blueprintsx") is None
