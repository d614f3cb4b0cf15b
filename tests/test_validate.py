"""Validation: SHACL shapes and check queries, reported per file, resource, property, rule."""

from __future__ import annotations

import pytest

from graph.dataset.load import load
from graph.dataset.validate import ValidationReport, Violation, validate
from graph.errors import CoopGraphError, DataNotFoundError, DataSyntaxError
from tests.helpers import BAD, FIXTURES

pytestmark = pytest.mark.usefixtures("test_rules")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(
        "@prefix id: <https://w3id.org/jura-coop/id/> .\n"
        "@prefix jc: <https://w3id.org/jura-coop/ontology#> .\n"
        "@prefix org: <http://www.w3.org/ns/org#> .\n"
        "@prefix schema: <https://schema.org/> .\n" + text,
        encoding="utf-8",
    )
    return path


def test_the_fixture_data_conforms_with_warnings(valid):
    report = validate(valid)
    assert report.conforms, report.text()
    assert report.violations and {v.severity for v in report.violations} == {"Warning"}
    assert report.shapes == FIXTURES / "shapes.ttl"
    assert [p.name for p in report.checks] == [
        "self-member-violation.rq",
        "unsourced-violation.rq",
    ]


def test_conflicting_facts_name_file_resource_property_and_rule(tmp_data):
    report = validate(load(tmp_data(BAD / "conflicting-facts.ttl")))
    assert not report.conforms
    [violation] = [v for v in report.violations if v.severity == "Violation"]
    assert violation == Violation(
        source_file=violation.source_file,
        focus="id:rcju",
        path="schema:foundingDate",
        constraint="sh:MaxCountConstraintComponent",
        value="",
        message="one founding date only; record the other as a jc:AlternativeValue",
        severity="Violation",
    )
    assert violation.source_file.name == "conflicting-facts.ttl"
    first_line = report.text().splitlines()[0]
    assert first_line.endswith(
        "conflicting-facts.ttl: id:rcju schema:foundingDate "
        "[sh:MaxCountConstraintComponent] one founding date only; "
        "record the other as a jc:AlternativeValue"
    )


def test_a_check_query_row_is_a_violation(tmp_data):
    report = validate(load(tmp_data(BAD / "unsourced.ttl")))
    [violation] = [v for v in report.violations if v.severity == "Violation"]
    assert violation.focus == "id:cooperation-rcju-arcjurassien"
    assert violation.path == "prov:wasDerivedFrom"
    assert violation.constraint == "unsourced-violation.rq"
    assert violation.message == "a cooperation without a source"
    assert violation.source_file.name == "unsourced.ttl"


def test_a_check_without_a_message_column_uses_its_header(tmp_data, tmp_path):
    extra = write(
        tmp_path,
        "self.ttl",
        "id:adhesion-x a org:Membership ; org:member id:rcju ; org:organization id:rcju .\n",
    )
    report = validate(load(tmp_data(extra)))
    [violation] = [v for v in report.violations if v.constraint == "self-member-violation.rq"]
    assert violation.message.startswith("No organisation is a member of itself")
    assert violation.path == "" and violation.focus == "id:rcju"


def test_sparql_based_constraints_run(tmp_data, tmp_path):
    extra = write(
        tmp_path,
        "self.ttl",
        "id:cooperation-x a jc:Cooperation ; jc:actor id:rcju ; jc:partner id:rcju ;\n"
        "    jc:axis <https://w3id.org/jura-coop/id/concept/axe-proximite> ;\n"
        "    <http://www.w3.org/ns/prov#wasDerivedFrom> id:extrait-cop-1 .\n",
    )
    report = validate(load(tmp_data(extra)))
    [violation] = [v for v in report.violations if v.severity == "Violation"]
    assert violation.constraint == "sh:SPARQLConstraintComponent"
    assert violation.message == "an organisation cannot cooperate with itself"
    assert violation.value == "id:rcju"
    assert violation.shape == "test:CooperationShape"


def test_a_blank_node_is_described_by_where_it_hangs(tmp_data, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "[] a sh:NodeShape ; sh:targetClass schema:MonetaryAmount ;\n"
        "   sh:property [ sh:path schema:description ; sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    report = validate(load(tmp_data()), shapes=shapes, checks_dir=tmp_path)
    [violation] = report.violations
    assert violation.focus == "id:fonds-belju/jc:budget/[]"
    assert violation.source_file.name == "organisations.ttl"
    assert violation.shape == ""


def test_violations_come_first_then_sorted(tmp_data):
    loaded = load(tmp_data(BAD / "conflicting-facts.ttl", BAD / "unsourced.ttl"))
    report = validate(loaded)
    severities = [v.severity for v in report.violations]
    assert severities == sorted(severities, key=lambda s: s != "Violation")
    assert report.violations == sorted(report.violations, key=Violation.sort_key)
    assert report.text() == validate(loaded).text()


def test_a_plain_graph_can_be_validated_without_file_names(valid):
    report = validate(valid.graph)
    assert report.conforms
    assert all(v.source_file is None for v in report.violations)
    assert report.text().startswith("-: ")


def test_missing_shipped_rules_are_skipped_and_missing_given_ones_are_errors(
    valid, tmp_path, monkeypatch
):
    from graph import paths

    monkeypatch.setattr(paths, "shapes_path", lambda: tmp_path / "none.ttl")
    monkeypatch.setattr(paths, "checks_dir", lambda: tmp_path / "none")
    assert validate(valid) == ValidationReport(True, [], None, [])
    with pytest.raises(DataNotFoundError):
        validate(valid, shapes=tmp_path / "none.ttl")


def test_a_check_may_not_reach_the_network(valid, tmp_path):
    (tmp_path / "remote-violation.rq").write_text(
        "SELECT ?focus WHERE { SERVICE <http://example.org/sparql> { ?focus ?p ?o } }"
    )
    with pytest.raises(CoopGraphError, match="SERVICE"):
        validate(valid, checks_dir=tmp_path)


def test_a_check_with_a_syntax_error_names_file_line_and_column(valid, tmp_path):
    (tmp_path / "broken-violation.rq").write_text("SELECT ?focus WHERE {\n  ?focus ?p }\n")
    with pytest.raises(DataSyntaxError, match=r"broken-violation\.rq:\d+:\d+: "):
        validate(valid, checks_dir=tmp_path)


def test_shapes_with_a_syntax_error_name_file_line_and_column(valid, tmp_path):
    (tmp_path / "shapes.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n[] a sh:X\n")
    with pytest.raises(DataSyntaxError, match=r"shapes\.ttl:3:1: "):
        validate(valid, shapes=tmp_path / "shapes.ttl")


def test_the_summary_gives_the_exit_status_and_the_last_line(tmp_path):
    from graph.dataset.report import Summary

    warning = Violation(None, "id:x", "", "check.rq", "", "a note", severity="Warning")
    error = Violation(None, "id:y", "", "check.rq", "", "wrong")
    shapes, checks = tmp_path / "shapes.ttl", [tmp_path / "a-violation.rq"]
    passed = ValidationReport(True, [warning], shapes, checks)
    assert (passed.errors, passed.warnings) == (0, 1)
    assert passed.summary() == Summary(
        0, f"OK: the graph conforms to {shapes} and 1 check queries (1 warning(s))."
    )
    failed = ValidationReport(False, [error, warning], None, checks)
    assert failed.summary() == Summary(1, "1 violation(s), 1 warning(s)")
    # Checked against nothing is not a pass, whatever the results.
    assert ValidationReport(True, [], None, []).summary().status == 2
