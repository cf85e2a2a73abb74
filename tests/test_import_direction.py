"""Imports flow one way: each part of the project imports only parts listed before it.

:data:`PARTS` is the one statement of the directions (the README's Layout section
says the same in words). The test reads every module's imports with ``ast``,
those inside functions too, and fails on any other direction. It also refuses
imports inside functions, except in an app's ``AppConfig.ready``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("ictteam", "tasks", "teams", "guidelines")

# Every part: the modules it holds (the longest prefix decides), and what it may import
# besides itself: whole parts, or single modules of a part (an entry with a dot). Each
# entry is a part listed earlier, so no two parts can import each other.
_BELOW_ROOMS = ("project", "job lists", "catalogue", "calculator", "units", "models", "access")
PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # The Celery app, the settings, request typing: nothing of the apps.
    "project": (("ictteam",), ()),
    # Each app's jobs as their senders know them (ictteam.celery.Job).
    "job lists": (("tasks.job_list", "teams.job_list"), ("project",)),
    # The task catalogue stands alone.
    "catalogue": (("tasks",), ("project", "job lists")),
    # The workload rule, pure.
    "calculator": (("teams.workload.calculator",), ()),
    # Budget units and hours as people type them: inputs to the rule, holding no tables.
    "units": (("teams.workload.units", "teams.workload.hours_input"), ("catalogue",)),
    # Tables and small model methods; the catalogue's tables are referred to.
    "models": (("teams.models",), ("calculator", "units", "catalogue")),
    # Every "may this account see or do this" decision.
    "access": (("teams.access",), ("models",)),
    # The rooms of teams: each reads the models, access and the workload figures, never
    # another room; a page that shows another room's part loads it from that room's URL.
    "workload": (("teams.workload",), _BELOW_ROOMS),
    "reminders": (("teams.reminders",), (*_BELOW_ROOMS, "workload")),
    "assignments": (("teams.assignments",), (*_BELOW_ROOMS, "workload")),
    "staff": (("teams.staff",), (*_BELOW_ROOMS, "workload")),
    # What wires the rooms together: URLs, admin, jobs, demo, commands, template tags.
    "teams": (("teams",), (*_BELOW_ROOMS, "reminders", "workload", "assignments", "staff")),
    # The step plan builds on teams; teams never imports it.
    "guidelines": (
        ("guidelines",),
        (*_BELOW_ROOMS, "reminders", "workload", "assignments", "staff", "teams"),
    ),
    # The site's URLs and home page.
    "site": (
        ("ictteam.urls", "ictteam.views"),
        (*_BELOW_ROOMS, "reminders", "workload", "assignments", "staff", "teams", "guidelines"),
    ),
}
# Pages and jobs are only wired up: their modules are imported by the URL configurations
# and the jobs modules at the top of teams and the site, or within their own part.
WIRED_ONLY = ("views", "jobs")
WIRING = ("teams", "site")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the module imported (a submodule when ``from package import submodule``)
    line: int
    in_function: str | None  # the function it sits in, if any


def part_of(module: str) -> str:
    best, length = "", -1
    for name, (prefixes, _allowed) in PARTS.items():
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > length:
                best, length = name, len(prefix)
    assert best, f"{module} belongs to no part"
    return best


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def project_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def imports_of(path: Path) -> list[Import]:
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inside = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inside = child.name
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if is_module(sub) else base)
            found.extend(Import(module, target, child.lineno, function) for target in targets)
            visit(child, inside)

    visit(ast.parse(path.read_text()), None)
    return found


def all_imports(*, libraries: bool = False) -> list[Import]:
    """Every import of the project's modules: of its own modules, or of anything."""
    return [
        found
        for path in project_modules()
        for found in imports_of(path)
        if libraries or found.target.split(".")[0] in APPS
    ]


def may_import(importer: str, target: str) -> bool:
    own, theirs = part_of(importer), part_of(target)
    if own == theirs:
        return True
    if set(target.split(".")) & set(WIRED_ONLY) and own not in WIRING:
        return False
    allowed = PARTS[own][1]
    return theirs in allowed or any(
        "." in entry and (target == entry or target.startswith(entry + ".")) for entry in allowed
    )


def test_each_part_imports_only_parts_listed_before_it():
    order = list(PARTS)
    for name, (_prefixes, allowed) in PARTS.items():
        for entry in allowed:
            below = part_of(entry) if "." in entry else entry
            assert order.index(below) < order.index(name), (name, entry)


def test_imports_flow_one_way():
    wrong = [
        f"{i.module}:{i.line} imports {i.target} ({part_of(i.module)} -> {part_of(i.target)})"
        for i in all_imports()
        if not may_import(i.module, i.target)
    ]
    assert wrong == []


def test_the_table_is_read_right():
    # The walk finds imports inside functions, relative ones and submodules, and the table
    # refuses what the layout forbids: these hold the test itself to its purpose.
    assert may_import("guidelines.services", "teams.access")
    assert not may_import("teams.reminders.sources", "guidelines.services")
    assert not may_import("teams.workload.calculator", "teams.models")
    assert not may_import("teams.models.tasks", "teams.access")
    assert not may_import("teams.workload.figures", "teams.assignments.distribution")
    assert not may_import("teams.assignments.distribution", "teams.staff.identity")
    assert not may_import("teams.assignments.views.board", "teams.reminders.scan")
    assert not may_import("teams.staff.views.staff", "teams.assignments.views.board")
    assert not may_import("teams.staff.services", "teams.assignments.assigning")
    assert not may_import("teams.workload.views", "teams.reminders.services")
    assert may_import("teams.staff.views.staff", "teams.workload.ranking")
    assert may_import("teams.urls", "teams.assignments.views.board")
    assert not may_import("tasks.services", "teams.models")
    found = {(i.module, i.target) for i in all_imports()}
    assert ("guidelines.views.plan", "guidelines.access") in found  # from .. import access
    assert ("teams.jobs", "teams.workload.jobs") in found
    assert ("teams.apps", "teams.receivers") in found  # inside ready()


def test_no_imports_inside_functions_but_in_app_ready():
    # Django imports apps.py before the app registry is ready, so what loads models is
    # imported in AppConfig.ready(); everywhere else imports sit at the top.
    late = [
        f"{i.module}:{i.line} imports {i.target} inside {i.in_function}()"
        for i in all_imports(libraries=True)
        if i.in_function is not None
        and not (i.module.endswith(".apps") and i.in_function == "ready")
    ]
    assert late == []
