"""The layering of docs/architecture.md, checked on the imports of every module under lms/ (read with ast, nothing is
imported): pure modules import neither Flask nor the database nor a feature package's site code, the offline
verifier and the log's pure parts import no feature package at all, and no module imports a higher layer."""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# --- the layering, as in docs/architecture.md -----------------------------------------------------------------------

#: Libraries no pure module may import (their submodules and flask_* extensions included).
FORBIDDEN_IN_PURE = ("flask", "sqlalchemy", "alembic", "werkzeug")

#: Pure packages: every module in them is pure and imports only from pure packages, never from a feature package
#: (not even a feature package's pure modules). The offline verifier (lms.credentials) runs without the site.
PURE_PACKAGES = ("lms.credentials", "lms.certnumbers", "lms.messages", "lms.config", "lms.spreadsheets", "lms.bounds", "lms.resources",
                 "lms.memo")
#: The transparency log's pure parts (its other modules run on the site).
PURE_LOG_MODULES = ("lms.transparency", "lms.transparency.merkle", "lms.transparency.note", "lms.transparency.entry",
                    "lms.transparency.identity", "lms.transparency.witness")  # fmt: skip

#: Pure modules inside feature packages: they import no Flask or database and only other pure modules.
PURE_FEATURE_MODULES = (
    "lms.accounts.idcard", "lms.accounts.identifiers", "lms.accounts.viewer",
    "lms.authoring.coursezip", "lms.authoring.folder", "lms.authoring.questions",
    "lms.bureau.bulkfile", "lms.bureau.bulkrows", "lms.bureau.columns", "lms.bureau.csvfile", "lms.bureau.results",
    "lms.bureau.rows", "lms.bureau.xlsxfile",
    "lms.catalogue.exercises", "lms.catalogue.fields", "lms.catalogue.loader", "lms.catalogue.quiztext", "lms.catalogue.rendering",
    "lms.catalogue.skillsfile", "lms.catalogue.spec", "lms.catalogue.yamlines",
    "lms.certificates.image", "lms.certificates.masking", "lms.certificates.openapi", "lms.certificates.pdf",
    "lms.certificates.textlayout",
    "lms.cohorts.export", "lms.cohorts.timeline",
    "lms.evidence.automation", "lms.evidence.identity", "lms.evidence.policy", "lms.evidence.presence", "lms.evidence.record",
    "lms.evidence.recordpdf",
    "lms.learning.lessonhtml", "lms.learning.studytime",
    "lms.notifications.schedule",
    "lms.orgs.hostfile",
    "lms.quizzes.gift", "lms.quizzes.gift_answers", "lms.quizzes.gift_export", "lms.quizzes.gift_items",
    "lms.quizzes.gift_numerical", "lms.quizzes.gift_text",
    "lms.quizzes.grading", "lms.quizzes.normalise", "lms.quizzes.paper", "lms.quizzes.questions", "lms.quizzes.reviewing",
    "lms.quizzes.statistics",
    "lms.bounds", "lms.security.passwords", "lms.security.pii", "lms.security.redirects", "lms.security.tokens",
    "lms.scriptcheck.checker", "lms.scriptcheck.laws", "lms.scriptcheck.rewrite", "lms.scriptcheck.rules",
    "lms.skills.mastery", "lms.skills.profile", "lms.skills.tsvg",
    "lms.wellbeing.instruments", "lms.wellbeing.trend",
)  # fmt: skip

#: Layers of the site's modules, lowest first. A module may import its own layer and the ones below, never above.
#: Pure modules sit under all of them. Listed by package; `SHELL` modules are the top layer wherever they live.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("core", ("lms.db", "lms.errors", "lms.extensions", "lms.i18n", "lms.signals", "lms.cache")),
    ("platform", ("lms.security", "lms.mail", "lms.jobs", "lms.sms")),
    ("trust", ("lms.trust", "lms.transparency")),
    ("people", ("lms.accounts", "lms.orgs")),
    ("courses", ("lms.catalogue", "lms.learning", "lms.quizzes", "lms.authoring", "lms.exercises", "lms.skills")),
    ("results", ("lms.certificates", "lms.cohorts", "lms.bureau", "lms.notifications", "lms.scriptcheck", "lms.evidence",
                 "lms.wellbeing")),
    ("shell", ("lms", "lms.cli", "lms.models", "lms.demo", "lms.privacy", "lms.migrate", "lms.site")),
)
#: Module names (last part) that belong to the shell in every package: the web and command-line edges.
SHELL_NAMES = ("views", "cli", "forms", "listeners", "__main__")
SHELL_MODULES = ("lms.security.access", "lms.security.headers")
FEATURE_PACKAGES = tuple(p for name, ps in LAYERS if name in ("people", "courses", "results") for p in ps)

#: Modules placed above their package's layer. The host import creates accounts and memberships (people) and puts
#: the hosts into a cohort (results), so it sits with the results.
MODULE_LAYERS = {"lms.orgs.hostimport": "results", "lms.orgs.hostimport_job": "results",
                 "lms.orgs.firstlinks": "results"}

# --- reading the imports --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    module: str  # the importer
    target: str  # the imported module (a module under lms, or a third-party name)
    line: int


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / "lms").rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(module: str, path: Path) -> list[Import]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parent + ([node.module] if node.module else []))
            for alias in node.names:  # `from lms.x import y` imports the module lms.x.y when there is one
                sub = f"{base}.{alias.name}"
                found.append(Import(module, sub if sub in MODULES else base, node.lineno))
    return found


IMPORTS = {module: _imports(module, path) for module, path in MODULES.items()}


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def is_pure(module: str) -> bool:
    return _within(module, PURE_PACKAGES) or module in PURE_LOG_MODULES or module in PURE_FEATURE_MODULES


def in_pure_package(module: str) -> bool:
    return _within(module, PURE_PACKAGES) or module in PURE_LOG_MODULES


def layer_of(module: str) -> int:
    """-1 for pure modules, else the index in LAYERS."""
    if is_pure(module):
        return -1
    if module.rpartition(".")[2] in SHELL_NAMES or module.rpartition(".")[2].endswith("_views") or module in SHELL_MODULES:
        return len(LAYERS) - 1
    if module in MODULE_LAYERS:
        return [name for name, _packages in LAYERS].index(MODULE_LAYERS[module])
    best = None
    for index, (_name, packages) in enumerate(LAYERS):
        for package in packages:  # the longest matching package wins (lms.site before lms)
            # `lms` itself is the app factory only: a new package must be placed in a layer, not fall into the shell.
            inside = module == package or (package != "lms" and module.startswith(package + "."))
            if inside and (best is None or len(package) > best[1]):
                best = (index, len(package))
    assert best is not None, f"{module} is in no layer of docs/architecture.md: add it to LAYERS"
    return best[0]


def _lms(target: str) -> bool:
    return target == "lms" or target.startswith("lms.")


def _where(imp: Import) -> str:
    return f"{MODULES[imp.module].relative_to(ROOT)}:{imp.line} imports {imp.target}"


# --- the checks -----------------------------------------------------------------------------------------------------


def test_every_declared_module_exists():
    declared = set(PURE_LOG_MODULES) | set(PURE_FEATURE_MODULES) | set(SHELL_MODULES) | set(MODULE_LAYERS)
    declared |= {p for _name, packages in LAYERS for p in packages} | set(PURE_PACKAGES)
    assert sorted(m for m in declared if m not in MODULES) == []


def test_pure_modules_import_neither_flask_nor_the_database():
    bad = [_where(i) for m in MODULES if is_pure(m) for i in IMPORTS[m]
           if i.target.split(".")[0] in FORBIDDEN_IN_PURE or i.target.startswith("flask_")]  # fmt: skip
    assert bad == []


def test_pure_modules_import_only_pure_modules():
    bad = [_where(i) for m in MODULES if is_pure(m) for i in IMPORTS[m] if _lms(i.target) and not is_pure(i.target)]
    assert bad == []


def test_the_offline_verifier_and_the_log_s_pure_parts_import_no_feature_package():
    bad = [_where(i) for m in MODULES if in_pure_package(m) for i in IMPORTS[m]
           if _lms(i.target) and not in_pure_package(i.target)]  # fmt: skip
    assert bad == []


def test_no_module_imports_a_higher_layer():
    upward = [_where(i) for m in MODULES for i in IMPORTS[m]
              if _lms(i.target) and i.target in MODULES and layer_of(i.target) > layer_of(m)]  # fmt: skip
    assert upward == [], "a lower layer imports a higher one (docs/architecture.md)"


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)


#: The one allowed import cycle: the app factory registers the commands, and `lms` (the command) makes the app.
ALLOWED_CYCLES = [["lms", "lms.cli"]]


def import_cycles() -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan's strongly connected parts)."""
    graph = {m: sorted({i.target for i in IMPORTS[m] if i.target in MODULES and i.target != m}) for m in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while not part or part[-1] != v:
                part.append(stack.pop())
            if len(part) > 1:
                cycles.append(sorted(part))

    for module in graph:
        if module not in index:
            visit(module)
    return sorted(cycles)


def test_no_two_modules_import_each_other():
    # Lazy imports inside functions count too: e.g. lms.trust.keys and the log once imported each other.
    assert import_cycles() == ALLOWED_CYCLES


@pytest.mark.parametrize("module", ["lms.credentials.verifier", "lms.transparency.witness"])
def test_the_verifier_and_the_witness_load_without_flask_or_the_database(module):
    # Also covers package __init__ files, which the import scan above only sees as plain modules.
    code = f"import sys, {module}; assert not {{'flask', 'sqlalchemy', 'lms.db'}} & set(sys.modules), sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(ROOT))


#: A module past this many lines is split along a seam (docs/architecture.md, "Adding code").
MAX_MODULE_LINES = 500


def test_no_module_is_past_the_line_limit():
    lines = {m: len(path.read_text(encoding="utf-8").splitlines()) for m, path in MODULES.items()}
    long = {m: n for m, n in lines.items() if n > MAX_MODULE_LINES}
    assert long == {}, f"split these modules along a seam (at most {MAX_MODULE_LINES} lines each)"
