"""Plain helpers the tests share: paths, identifiers, markers and test cases.

Fixtures live in tests/conftest.py; the helpers here are functions and constants a test
module imports (``from tests.helpers import VALID``), so that no test module imports
another one.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from graph import paths

REPO = Path(__file__).parent.parent.parent
FIXTURES = REPO / "tests" / "fixtures"
VALID = FIXTURES / "valid"
BAD = FIXTURES / "bad"
#: Labels and links written to break out of the page: scripts, quotes, odd schemes.
HOSTILE = FIXTURES / "hostile"

ID = "https://w3id.org/jura-coop/id/"
RCJU = ID + "rcju"
QUEBEC = ID + "quebec"

# file, line, column, what the message says, for each file in tests/fixtures/bad that does
# not parse. Positions are 1-based, columns in characters.
BAD_CASES = [
    ("missing-dot.ttl", 8, 1, "expected '.'"),
    ("unknown-prefix.ttl", 7, 9, 'Prefix "foaf:" not bound'),
    ("invalid-iri.ttl", 7, 20, "Invalid IRI code point ' '"),
    ("ill-typed-literal.ttl", 7, 32, '"2021-13-45" is not a valid xsd:date'),
    ("unterminated-literal.ttl", 7, 30, "newline found in string literal"),
    ("deep-nesting.ttl", 8, 7480, "nested 300 levels deep"),
    ("non-utf8.ttl", 7, 25, "byte 0xe9 is not valid UTF-8"),
]


def shipped_data_exists() -> bool:
    return any(paths.data_dir().glob("*.ttl"))


needs_shipped_data = pytest.mark.skipif(
    not shipped_data_exists(), reason="the shipped data (data/*.ttl) is not written yet"
)


def gen_synthetic() -> ModuleType:
    """scripts/gen_synthetic.py, which writes graphs of our shape and any size.

    scripts/ is not a package: the module is read from its file.
    """
    spec = importlib.util.spec_from_file_location(
        "gen_synthetic", REPO / "scripts" / "gen_synthetic.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
