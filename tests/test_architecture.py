"""The import rules of ``helpers`` (issue 17): which layer may not import which.

Every module of the package is parsed (``ast``, nothing is imported); every ``import``
and ``from ... import`` counts, relative ones resolved, including those inside functions.
A module name in the table stands for itself and everything under it ("helpers.unlearn"
is the package and all its modules); ``from helpers.x import y`` counts as importing
``helpers.x.y`` (``y`` may be a module), which also lies under ``helpers.x``.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import helpers

ROOT = Path(helpers.__file__).parent

METHODS = ("helpers.unlearn",)
RUNNER = ("helpers.experiments",)
MODELS = ("helpers.models", "helpers.quant",                                           # the quantized networks
          "helpers.quantum.blocks", "helpers.quantum.circuit", "helpers.quantum.model",     # the VQC and its engines
          "helpers.quantum.statevector", "helpers.quantum.simulator", "helpers.quantum.reference",
          "helpers.quantum.engines", "helpers.quantum.gradients",
          "helpers.hybrid.models", "helpers.hybrid.layer", "helpers.hybrid.circuit")         # the hybrids
DATA = ("helpers.data", "helpers.hybrid.data")
METRICS = ("helpers.metrics", "helpers.quantum.evaluation", "helpers.hybrid.metrics")   # every evaluation
FIGURES = ("helpers.plots", "helpers.quantum.plots", "helpers.hybrid.plots")
NOTEBOOK_AND_CHAPTERS = ("helpers.notebook", "helpers.chapters")
# presentation: chapter modules, notebook conveniences, figures and the wording of verdicts
PRESENTATION = ("helpers.chapters", "helpers.notebook", "helpers.words", "helpers.experiments.verdicts",
                "helpers.experiments.compare", "helpers.hybrid.verdicts") + FIGURES

#        rule                                            who (importer)     may not import
RULES = [("methods never import the runner",             METHODS,           RUNNER),
         ("models never import methods",                 MODELS,            METHODS),
         ("data never imports models",                   DATA,              MODELS),
         ("data never imports methods",                  DATA,              METHODS),
         ("metrics never import methods",                METRICS,           METHODS),
         ("figures never import methods",                FIGURES,           METHODS),
         ("the core never imports notebook conveniences or chapter modules", "core", NOTEBOOK_AND_CHAPTERS)]


def under(name: str, prefixes) -> bool:
    """True if module ``name`` is one of ``prefixes`` or lies inside one of them."""
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def is_core(name: str) -> bool:
    return not under(name, PRESENTATION)


def module_name(path: Path) -> tuple[str, bool]:
    """``(dotted name, is a package)`` of a file under ``helpers``."""
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if package else parts), package


def imports(source: str, module: str, package: bool = False) -> list[tuple[str, int, str]]:
    """``(imported module, line, statement)`` for every import in ``source``, relative ones resolved."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno, ast.unparse(node)) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".") if package else module.split(".")[:-1]
                if node.level - 1 > len(parts) - 1:
                    raise ValueError(f"{module}: relative import beyond the top package: {ast.unparse(node)}")
                anchor = ".".join(parts[:len(parts) - (node.level - 1)])
                base = f"{anchor}.{base}" if base else anchor
            found += [(f"{base}.{alias.name}", node.lineno, ast.unparse(node)) for alias in node.names]
    return found


def violations(source: str, module: str, package: bool = False, where: str = "") -> list[str]:
    """Every forbidden arrow of ``RULES`` in ``source`` (the text of ``module``), one readable line each."""
    out = []
    for rule, who, forbidden in RULES:
        if not (is_core(module) if who == "core" else under(module, who)):
            continue
        for target, line, statement in imports(source, module, package):
            if under(target, forbidden):
                out.append(f"{module} ({where or module}:{line}) imports {target}: `{statement}` ({rule})")
    return out


def helpers_modules():
    for path in sorted(ROOT.rglob("*.py")):
        if "__pycache__" not in path.parts:
            yield path, *module_name(path)


def test_no_module_of_helpers_breaks_an_import_rule():
    found = []
    for path, module, package in helpers_modules():
        found += violations(path.read_text(encoding="utf-8"), module, package, str(path.relative_to(ROOT.parent)))
    assert not found, "forbidden imports:\n" + "\n".join(found)


def test_every_name_in_the_rules_is_a_module_of_helpers():
    """A renamed module must not slip out of the rules: every name in the table still exists."""
    modules = [module for _, module, _ in helpers_modules()]
    names = {n for _, who, forbidden in RULES for n in (() if who == "core" else who) + forbidden} | set(PRESENTATION)
    missing = sorted(n for n in names if not any(under(m, (n,)) for m in modules))
    assert not missing, f"the rules name modules that do not exist (renamed? update RULES): {missing}"


@pytest.mark.parametrize("module,package,source,expected", [
    # a method importing the runner, inside a function, relatively
    ("helpers.unlearn.fake", False, "def f():\n    from ..experiments.runner import run_table\n",
     ["helpers.unlearn.fake (helpers.unlearn.fake:2) imports helpers.experiments.runner.run_table: "
      "`from ..experiments.runner import run_table` (methods never import the runner)"]),
    # a figure importing a method, absolutely; a package's own relative import is resolved from the package
    ("helpers.plots", True, "import helpers.unlearn.oeu\nfrom .geometry import draw_gop_2d\n",
     ["helpers.plots (helpers.plots:1) imports helpers.unlearn.oeu: `import helpers.unlearn.oeu` "
      "(figures never import methods)"]),
    # the core importing a notebook convenience as ``from .. import notebook``
    ("helpers.quantum.training", False, "from .. import notebook\n",
     ["helpers.quantum.training (helpers.quantum.training:1) imports helpers.notebook: `from .. import notebook` "
      "(the core never imports notebook conveniences or chapter modules)"]),
    # data importing a model
    ("helpers.hybrid.data", False, "from .models import HybridNet\n",
     ["helpers.hybrid.data (helpers.hybrid.data:1) imports helpers.hybrid.models.HybridNet: "
      "`from .models import HybridNet` (data never imports models)"]),
    # allowed: chapter modules import anything, methods import models, a name that only starts like a package
    ("helpers.chapters.ch03", False, "from .. import notebook\nfrom ..unlearn import oeu\n", []),
    ("helpers.unlearn.fake", False, "from ..quant import Quantizer\nfrom ..experimental import x\n", []),
])
def test_the_checker_finds_a_forbidden_arrow(module, package, source, expected):
    assert violations(source, module, package) == expected


def test_a_relative_import_beyond_the_package_is_an_error():
    with pytest.raises(ValueError, match="beyond the top package"):
        imports("from .... import x\n", "helpers.plots.geometry")
