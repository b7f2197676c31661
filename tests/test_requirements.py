"""The install requirements are what the package imports: nothing it needs is left to luck (a
library that only arrives because another one pulls it in), and nothing a user installs goes
unused (openpyxl serves the tests as an independent reader, so it is a development extra)."""

from __future__ import annotations

import ast
import configparser
import re
import sys
from importlib.metadata import packages_distributions

from .conftest import ROOT

PACKAGE = ROOT / "toolkit" / "branchkit"
# Imported only inside a try that carries on without it: the system keyring, when installed.
OPTIONAL = {"keyring"}
# Tools beside the package that run only from a checkout (`make wheelhouse`): what they import
# is a development extra.
DEVELOPMENT_TOOLS = (ROOT / "toolkit" / "wheelhouse.py",)


def _requirements(section: str, key: str) -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config[section][key].split("\n")
    return {_normal(re.split(r"[<>=!~;\[ ]", line.strip())[0]) for line in lines if line.strip()}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_distributions(development: bool = False) -> dict[str, set[str]]:
    """Distribution -> the modules that import it (third-party imports only): the package's, or
    the development tools' beside it."""
    owners = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in DEVELOPMENT_TOOLS if development else PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "branchkit" or top in OPTIONAL:
                    continue
                for dist in owners.get(top, [top]):
                    found.setdefault(_normal(dist), set()).add(path.name)
    return found


def test_every_library_the_package_imports_is_an_install_requirement() -> None:
    declared = _requirements("options", "install_requires")
    declared |= _requirements("options.extras_require", "cluster")
    imported = _imported_distributions()
    assert {d: sorted(m) for d, m in imported.items() if d not in declared} == {}


def test_what_the_development_tools_import_is_a_development_extra() -> None:
    declared = _requirements("options", "install_requires")
    declared |= _requirements("options.extras_require", "dev")
    imported = _imported_distributions(development=True)
    assert {d: sorted(m) for d, m in imported.items() if d not in declared} == {}


def test_every_install_requirement_is_imported_by_the_package() -> None:
    imported = _imported_distributions()
    assert sorted(_requirements("options", "install_requires") - set(imported)) == []


def test_openpyxl_is_only_a_development_extra() -> None:
    assert "openpyxl" not in _requirements("options", "install_requires")
    assert "openpyxl" in _requirements("options.extras_require", "dev")
