"""SHACL shapes and check queries, on paired valid and invalid fixtures.

tests/fixtures/shapes/valid.ttl is the smallest dataset that conforms; each
tests/fixtures/shapes/invalid/<case>.ttl adds one mistake to it, and <case>.expected is the
approved report: one line per violation, ``<resource> <property> [<rule>]``. A rule that
stops firing, or a new rule that fires where it should not, changes the report and fails.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.dataset.load import load
from graph.dataset.validate import validate

SHAPES = Path(__file__).parent / "fixtures" / "shapes"
CASES = sorted(p.stem for p in (SHAPES / "invalid").glob("*.ttl"))


def report_of(data_dir: Path) -> list[str]:
    report = validate(load(data_dir))
    return sorted(f"{v.focus} {v.path} [{v.constraint}]" for v in report.violations)


def test_the_minimal_dataset_conforms(tmp_path):
    shutil.copy(SHAPES / "valid.ttl", tmp_path)
    report = validate(load(tmp_path))
    assert report.conforms, report.text()
    assert report.violations == []


def test_the_shipped_data_conforms(shipped_report):
    assert shipped_report.conforms, shipped_report.text()
    assert shipped_report.violations == []


@pytest.mark.parametrize("case", CASES)
def test_each_invalid_case_gives_its_approved_report(tmp_path, case):
    shutil.copy(SHAPES / "valid.ttl", tmp_path)
    shutil.copy(SHAPES / "invalid" / f"{case}.ttl", tmp_path / "case.ttl")
    expected = (SHAPES / "invalid" / f"{case}.expected").read_text(encoding="utf-8").split("\n")
    assert report_of(tmp_path) == sorted(line for line in expected if line)


@pytest.mark.parametrize("case", CASES)
def test_each_violation_names_file_resource_rule_and_message(tmp_path, case):
    shutil.copy(SHAPES / "valid.ttl", tmp_path)
    shutil.copy(SHAPES / "invalid" / f"{case}.ttl", tmp_path / "case.ttl")
    report = validate(load(tmp_path))
    assert not report.conforms
    for violation in report.violations:
        assert violation.source_file is not None and violation.source_file.name == "case.ttl"
        assert violation.message, violation
    for line in report.text().splitlines():
        assert "case.ttl:" in line and "[" in line


def test_there_are_enough_invalid_cases():
    # One per family of rule: relations, labels, dates, identifiers, references, places.
    assert len(CASES) >= 15


def test_a_source_that_states_both_values_may_be_cited_for_both(tmp_path):
    # The fixture of the rule, with the source marked as giving both years: it conforms.
    case = (SHAPES / "invalid" / "one-source-for-two-values.ttl").read_text(encoding="utf-8")
    case = case.replace(
        'rdf:value "1995"^^xsd:gYear ; dct:source src:doc .',
        'rdf:value "1995"^^xsd:gYear ; dct:source src:doc ; jc:statesBoth src:doc .',
    )
    assert "jc:statesBoth" in case
    shutil.copy(SHAPES / "valid.ttl", tmp_path)
    (tmp_path / "case.ttl").write_text(case, encoding="utf-8")
    assert report_of(tmp_path) == []
