"""Shared fixtures: the fixture data, the shipped graph, and the test rules."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import paths
from graph.load import Loaded, load

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
BAD = FIXTURES / "bad"
REPO = Path(__file__).parent.parent


def shipped_data_exists() -> bool:
    return any(paths.data_dir().glob("*.ttl"))


needs_shipped_data = pytest.mark.skipif(
    not shipped_data_exists(), reason="the shipped data (data/*.ttl) is not written yet"
)


@pytest.fixture(scope="session")
def shipped() -> Loaded:
    """The shipped ontology and data, loaded once for the whole session."""
    if not shipped_data_exists():
        pytest.skip("the shipped data (data/*.ttl) is not written yet")
    return load()


@pytest.fixture(scope="session")
def valid() -> Loaded:
    """The small valid fixture data (tests/fixtures/valid) with the shipped ontology."""
    return load(VALID)


@pytest.fixture
def tmp_data(tmp_path: Path) -> Callable[..., Path]:
    """A copy of the valid fixture data in tmp_path, plus the given extra files."""

    def make(*extra: Path, valid: bool = True) -> Path:
        folder = tmp_path / "data"
        folder.mkdir(exist_ok=True)
        for source in [*(sorted(VALID.glob("*.ttl")) if valid else []), *extra]:
            shutil.copy(source, folder / Path(source).name)
        return folder

    return make


@pytest.fixture
def test_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validate against the test shapes and checks instead of the shipped ones.

    The fixture data is tiny and would not satisfy the project's shapes, which are
    tested on their own fixtures (tests/test_shapes.py).
    """
    monkeypatch.setattr(paths, "shapes_path", lambda: FIXTURES / "shapes.ttl")
    monkeypatch.setattr(paths, "checks_dir", lambda: FIXTURES / "checks")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
