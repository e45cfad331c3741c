"""Certificates, certify and portfolios: counts, current certificates, lapses, files."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

import maturity_model as mm
from maturity_model import batch
from maturity_model.errors import CertificationError, PortfolioValidationError, ValidationError
from maturity_model.portfolio import CountTable
from maturity_model.serialization import dump_profile, load_profile_text

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "portfolio.csv"
D = datetime.date


def cert(subject: str = "bank-a", model: str = "cd", level: int = 3,
         date: str = "2024-03-01", **extra: Any) -> mm.Certificate:
    return mm.Certificate(subject=subject, model=model, level=level, date=date,
                          issuer=extra.pop("issuer", "lab"), **extra)


def codes_paths(exc: ValidationError) -> list[tuple[str, str]]:
    return [(p.code, p.path) for p in exc.problems]


# --------------------------------------------------------------------------- certificates


def test_a_certificate_reads_iso_dates_and_keeps_its_tags_read_only() -> None:
    c = cert(expires="2027-02-28", tags={"kind": "city"})
    assert (c.date, c.expires, c.part, c.year) == (D(2024, 3, 1), D(2027, 2, 28), "cd", 2024)
    with pytest.raises(TypeError):
        c.tags["kind"] = "x"  # type: ignore[index]


def test_a_certificate_lists_every_wrong_field() -> None:
    with pytest.raises(PortfolioValidationError) as info:
        mm.Certificate(subject=" ", model="", level=True, date="2024-02-30",
                       issuer="lab", tags={"kind": 3})  # type: ignore[dict-item]
    assert codes_paths(info.value) == [
        ("invalid-value", "$.subject"), ("invalid-value", "$.model"),
        ("invalid-value", "$.level"), ("invalid-value", "$.date"),
        ("invalid-value", "$.tags['kind']")]


def test_a_blank_project_is_no_project() -> None:
    assert cert(project=" ").project is None
    with pytest.raises(PortfolioValidationError):
        mm.Portfolio([cert(project=""), cert()])


def test_a_certificate_cannot_expire_before_it_was_issued() -> None:
    with pytest.raises(PortfolioValidationError) as info:
        cert(expires="2024-02-29")
    assert codes_paths(info.value) == [("invalid-value", "$.expires")]


def test_a_date_with_a_time_of_day_is_not_a_date() -> None:
    with pytest.raises(PortfolioValidationError) as info:
        mm.Certificate(subject="s", model="m", level=1, issuer="i",
                       date=datetime.datetime(2024, 1, 1, 9, 30))
    assert codes_paths(info.value) == [("invalid-value", "$.date")]


def test_valid_on_includes_the_day_of_issue_and_the_expiry_day() -> None:
    c = cert(date="2024-03-01", expires="2027-02-28")
    assert [c.valid_on(d) for d in (D(2024, 2, 29), D(2024, 3, 1), D(2027, 2, 28),
                                    D(2027, 3, 1))] == [False, True, True, False]


# --------------------------------------------------------------------------- certify


def _model() -> mm.MaturityModel:
    return mm.MaturityModel(id="m", version="2", scale=mm.LevelScale.of("Basic", "Good", "Best"),
                            domains=[mm.Domain(id="d", items=[mm.CapabilityItem(id="i", practices=[
                                mm.Practice(id="p1", level=1),
                                mm.Practice(id="p2", level=2, mandatory=True),
                                mm.Practice(id="p3", level=3)])])])


def _profile(answers: dict[str, Any], *, date: str | None = "2024-05-01",
             subject: str = "team") -> mm.Profile:
    return mm.score(_model(), mm.Assessment(
        model="m", model_version="2", subject=subject, answers=answers,
        date=None if date is None else D.fromisoformat(date)))


def test_certify_records_the_overall_level_its_name_and_the_profiles_date() -> None:
    c = mm.certify(_profile({"p1": True, "p2": True, "p3": False}), issuer="lab",
                   project="ipdo", expires="2027-04-30", tags={"kind": "city"})
    assert (c.subject, c.project, c.model, c.model_version, c.level, c.grade, c.date,
            c.issuer, c.expires, dict(c.tags)) == (
        "team", "ipdo", "m", "2", 2, "Good", D(2024, 5, 1), "lab", D(2027, 4, 30),
        {"kind": "city"})


def test_certify_takes_an_explicit_subject_and_date_over_the_profiles() -> None:
    c = mm.certify(_profile({"p1": True, "p2": True}), issuer="lab", subject="bank",
                   date=D(2025, 1, 2))
    assert (c.subject, c.date) == ("bank", D(2025, 1, 2))


def test_certify_refuses_a_profile_that_is_not_assessed() -> None:
    with pytest.raises(CertificationError) as info:
        mm.certify(_profile({"p1": "n/a", "p2": "n/a", "p3": None}), issuer="lab")
    assert codes_paths(info.value) == [("incomplete-profile", "$.overall")]


def test_certify_refuses_an_unknown_mandatory_practice_and_names_it() -> None:
    with pytest.raises(CertificationError) as info:
        mm.certify(_profile({"p1": True, "p3": True}), issuer="lab")
    assert codes_paths(info.value) == [("incomplete-profile", "$.practices['p2']")]
    assert "p2" in info.value.problems[0].message
    assert isinstance(info.value, ValueError)


def test_certify_accepts_a_mandatory_practice_that_is_not_applicable() -> None:
    assert mm.certify(_profile({"p1": True, "p2": "n/a", "p3": True}), issuer="lab").level == 3


def test_certify_refuses_a_profile_without_date_or_subject() -> None:
    with pytest.raises(CertificationError) as info:
        mm.certify(_profile({"p1": True, "p2": True}, date=None, subject=""), issuer="lab")
    assert codes_paths(info.value) == [("invalid-value", "$.subject"),
                                       ("invalid-value", "$.date")]


def test_certify_refuses_a_date_that_is_not_a_date() -> None:
    with pytest.raises(CertificationError) as info:
        mm.certify(_profile({"p1": True, "p2": True}), issuer="lab", date="1.5.2024")
    assert codes_paths(info.value) == [("invalid-value", "$.date")]


def test_certify_reads_mandatory_practices_from_the_model_when_given() -> None:
    # A profile written before practice results carried the flag: the model says it.
    doc = json.loads(dump_profile(_profile({"p1": True})))
    for practice in doc["practices"]:
        practice.pop("mandatory", None)
    old = mm.serialization.profile_from_dict(doc)
    assert mm.certify(old, issuer="lab").level == 1
    with pytest.raises(CertificationError) as info:
        mm.certify(old, issuer="lab", model=_model())
    assert info.value.codes == ("incomplete-profile",)


def test_certify_refuses_the_model_of_another_profile() -> None:
    other = mm.MaturityModel(id="m", version="1")
    with pytest.raises(CertificationError) as info:
        mm.certify(_profile({"p1": True, "p2": True}), issuer="lab", model=other)
    assert codes_paths(info.value) == [("model-mismatch", "$.model")]


def test_certify_the_bundled_caict_example() -> None:
    model = mm.standards.load("caict-devops-cd")
    assessment = mm.serialization.load_assessment(
        Path(mm.standards.__file__).parent / "data" / "caict-devops-cd.example-assessment.yaml")
    profile = mm.score(model, assessment)
    c = mm.certify(profile, issuer="CAICT", date="2024-06-01")
    assert (c.model, c.model_version, c.level) == ("caict-devops-cd", "2021",
                                                   profile.overall.level)
    assert c.grade == model.scale.name(profile.overall.level or 0) or c.level == 0


def test_both_engines_and_profile_files_carry_the_mandatory_flag() -> None:
    model = _model()
    assessment = mm.Assessment(model="m", model_version="2", subject="t", answers={"p1": True})
    one = mm.score(model, assessment)
    compiled = batch.compile(model)
    many = compiled.score(*compiled.from_assessments([assessment])).profile(0, subject="t")
    assert [r.mandatory for r in one.practices.values()] == [False, True, False]
    assert many.practices == one.practices
    assert load_profile_text(dump_profile(one)).practices == one.practices


# --------------------------------------------------------------------------- portfolio


def test_a_portfolio_refuses_two_certificates_of_one_subject_part_and_day() -> None:
    with pytest.raises(PortfolioValidationError) as info:
        mm.Portfolio([cert(), cert(project="x"), cert(level=4)])
    assert codes_paths(info.value) == [("duplicate-id", "$.certificates[2]")]


def test_a_portfolio_refuses_what_is_not_a_certificate() -> None:
    with pytest.raises(PortfolioValidationError) as info:
        mm.Portfolio([cert(), {"subject": "x"}])  # type: ignore[list-item]
    assert codes_paths(info.value) == [("invalid-value", "$.certificates[1]")]


def test_counts_by_one_field_are_keyed_by_its_values() -> None:
    p = mm.Portfolio([cert(model="cd"), cert(model="srm"), cert(subject="b", model="cd")])
    counts = p.counts(by=["part"])
    assert counts == {"cd": 2, "srm": 1}
    assert (counts["cd"], counts[("cd",)], counts["tool"], "tool" in counts) == (2, 2, 0, False)
    assert counts.total == 3
    assert counts.to_records() == [{"part": "cd", "count": 2}, {"part": "srm", "count": 1}]


def test_counts_by_several_fields_are_keyed_by_tuples_in_order() -> None:
    p = mm.Portfolio([cert(date="2023-01-05"), cert(date="2024-01-05"),
                      cert(subject="b", date="2024-02-01", level=4)])
    assert p.counts(by=["year", "level"]) == {(2023, 3): 1, (2024, 3): 1, (2024, 4): 1}
    assert p.counts(by="level,year") == {(3, 2023): 1, (3, 2024): 1, (4, 2024): 1}
    assert p.counts(by=[]) == {(): 3}


def test_counts_by_a_tag_put_certificates_without_it_under_none_last() -> None:
    p = mm.Portfolio([cert(tags={"kind": "city"}), cert(subject="b"),
                      cert(subject="c", tags={"kind": "bank"})])
    counts = p.counts(by="kind")
    assert list(counts.items()) == [("bank", 1), ("city", 1), (None, 1)]


def test_a_field_wins_over_a_tag_of_the_same_name() -> None:
    p = mm.Portfolio([cert(level=3, tags={"level": "gold"})])
    assert p.counts(by="level") == {3: 1}


def test_counts_by_a_tag_nobody_has_count_everything_under_none() -> None:
    p = mm.Portfolio([cert(tags={"kind": "city"}), cert(subject="b")])
    assert p.tag_names == {"kind"}
    assert p.where(subject="b").counts(by=["part", "kind"]) == {("cd", None): 1}


def test_counts_refuse_a_name_that_is_not_text() -> None:
    with pytest.raises(ValidationError) as info:
        mm.Portfolio([cert()]).counts(by=["part", 3])  # type: ignore[list-item]
    assert codes_paths(info.value) == [("invalid-value", "$.by[1]")]


def test_count_tables_become_frames() -> None:
    pytest.importorskip("pandas")
    frame = mm.Portfolio([cert(), cert(subject="b")]).counts(by=["part", "year"]).to_frame()
    assert frame.to_dict("records") == [{"part": "cd", "year": 2024, "count": 2}]


def test_where_selects_by_fields_and_tags() -> None:
    p = mm.Portfolio([cert(date="2023-01-05", tags={"kind": "city"}), cert(date="2024-01-05"),
                      cert(subject="b", model="srm", date="2024-02-01")])
    assert len(p.where(year=2024)) == 2
    assert [c.part for c in p.where(year=2024, part=["srm"])] == ["srm"]
    assert len(p.where(kind="city")) == 1


def test_current_is_the_latest_certificate_per_subject_project_and_part() -> None:
    p = mm.Portfolio([
        cert(date="2019-06-01", level=2, expires="2022-05-31"),
        cert(date="2023-03-01", level=4),
        cert(date="2020-01-01", project="cards", level=3),
        cert(date="2021-01-01", model="srm", level=1, expires="2023-12-31")])
    assert [(c.project, c.part, c.level) for c in p.current()] == [
        ("cards", "cd", 3), (None, "srm", 1), (None, "cd", 4)]
    assert [(c.project, c.part, c.level) for c in p.current("2021-06-30")] == [
        (None, "cd", 2), ("cards", "cd", 3), (None, "srm", 1)]
    # the 2019 certificate lapsed on 2022-05-31 and nothing replaced it before 2023
    assert [(c.project, c.level) for c in p.current("2022-12-31")] == [
        ("cards", 3), (None, 1)]


def test_lapsing_lists_current_certificates_by_expiry_date() -> None:
    p = mm.Portfolio([
        cert(date="2019-06-01", expires="2022-05-31"),   # superseded: never listed
        cert(date="2023-03-01", expires="2026-02-28"),
        cert(subject="b", date="2022-03-01", expires="2025-02-28"),
        cert(subject="c", date="2022-03-01")])           # never expires
    assert [(c.subject, c.expires) for c in p.lapsing("2026-03-01")] == [
        ("b", D(2025, 2, 28)), ("bank-a", D(2026, 2, 28))]
    assert p.lapsing("2026-02-28") == (p.lapsing("2026-03-01")[0],)
    assert [c.subject for c in p.lapsing("2026-03-01", as_of="2025-06-01")] == ["bank-a"]


def test_dates_given_to_current_and_lapsing_must_be_dates() -> None:
    with pytest.raises(ValidationError) as info:
        mm.Portfolio([cert()]).lapsing("soon")
    assert codes_paths(info.value) == [("invalid-value", "$.before")]


# --------------------------------------------------------------------------- files


def test_the_example_portfolio_has_the_published_2024_figures() -> None:
    p = mm.Portfolio.load(EXAMPLE)
    bank = p.where(subject="harbour-bank", year=2024).counts(by="part")
    assert bank == {"caict-bizdevops": 1, "caict-devops-cd": 4,
                    "caict-devops-measurement": 1, "caict-devops-srm": 2,
                    "caict-devops-system-tool": 8}
    assert bank.total == 16
    assert p.counts(by=["kind", "year"])[("joint-stock-bank", 2024)] == 16


@pytest.mark.parametrize("suffix", [".csv", ".yaml", ".json", ".toml"])
def test_a_portfolio_written_and_read_back_is_equal(suffix: str, tmp_path: Path) -> None:
    p = mm.Portfolio.load(EXAMPLE)
    path = tmp_path / f"p{suffix}"
    text = p.dump(path)
    assert path.read_text(encoding="utf-8") == text
    assert mm.Portfolio.load(path) == p


def test_a_yaml_portfolio_reads_native_dates_and_numeric_tags(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("format: maturity-portfolio/1\ncertificates:\n"
                    "  - {subject: a, model: cd, level: 3, date: 2024-03-01, issuer: x,\n"
                    "     expires: 2027-02-28, tags: {cohort: 2024}}\n", encoding="utf-8")
    (c,) = mm.Portfolio.load(path)
    assert (c.date, c.expires, dict(c.tags)) == (D(2024, 3, 1), D(2027, 2, 28),
                                                 {"cohort": "2024"})


def test_a_yaml_list_of_certificates_is_a_portfolio(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("- {subject: a, model: cd, level: 3, date: 2024-03-01, issuer: x}\n",
                    encoding="utf-8")
    assert mm.Portfolio.load(path) == mm.Portfolio([cert(subject="a", issuer="x")])


def _load_problems(path: Path, text: str | bytes) -> list[tuple[str, str]]:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(PortfolioValidationError) as info:
        mm.Portfolio.load(path)
    return codes_paths(info.value)


HEADER = "subject,model,level,date,issuer\n"


@pytest.mark.parametrize(("text", "expected"), [
    (HEADER + "a,cd,3,2024-03-01,x\nb,cd,three,2024-03-01,x\nc,,3,2024-02-30,\n",
     [("invalid-value", "$.certificates[1].level"), ("invalid-value", "$.certificates[2].model"),
      ("invalid-value", "$.certificates[2].issuer"), ("invalid-value", "$.certificates[2].date")]),
    (HEADER + "a,cd,3,2024-03-01\n", [("ragged-row", "$.certificates[0]")]),
    ("subject,model,level,date,issuer,expries\n", [("unknown-field", "$.columns[5]")]),
    ("subject,model,level,date,issuer,year,part,tags.,tags\n",
     [("unknown-field", "$.columns[5]"), ("unknown-field", "$.columns[6]"),
      ("unknown-field", "$.columns[7]"), ("unknown-field", "$.columns[8]")]),
    ("subject,model,level,date,issuer,kind,tags.kind\n", [("duplicate-id", "$.columns[6]")]),
    ("subject,model,,level,date,issuer\n", [("blank-header", "$.columns[2]")]),
    ("subject,model,model,level,date,issuer\n", [("duplicate-id", "$.columns[2]")]),
    ("subject,model,level,date\n", [("invalid-value", "$.columns")]),
    ("", [("invalid-value", "$")]),
    (HEADER + "a,cd,3,2024-03-01,x\na,cd,4,2024-03-01,y\n",
     [("duplicate-id", "$.certificates[1]")]),
    (b"subject,model,level,date,issuer\n\xff,cd,3,2024-03-01,x\n", [("bad-encoding", "$")]),
])
def test_bad_csv_rows_are_listed_and_nothing_is_loaded(
        text: str | bytes, expected: list[tuple[str, str]], tmp_path: Path) -> None:
    assert _load_problems(tmp_path / "p.csv", text) == expected


def test_csv_columns_that_are_no_field_are_tags(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("subject,model,level,date,issuer,kind,tags.expries\n"
                    "a,cd,3,2024-03-01,x,city,soon\nb,cd,3,2024-03-01,x,,\n", encoding="utf-8")
    a, b = mm.Portfolio.load(path)
    assert (dict(a.tags), dict(b.tags)) == ({"kind": "city", "expries": "soon"}, {})


def test_a_tag_named_like_a_field_round_trips_through_csv(tmp_path: Path) -> None:
    p = mm.Portfolio([cert(tags={"year": "fiscal-2023", "level": "gold"})])
    p.dump(tmp_path / "p.csv")
    assert "tags.level,tags.year" in (tmp_path / "p.csv").read_text(encoding="utf-8")
    assert mm.Portfolio.load(tmp_path / "p.csv") == p


def test_csv_problems_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(HEADER + "\n\"a\nb\",cd,3,2024-03-01,x\nc,cd,3,2024-13-01,x\n",
                    encoding="utf-8")
    with pytest.raises(PortfolioValidationError) as info:
        mm.Portfolio.load(path)
    assert [p.message.rsplit("(", 1)[-1] for p in info.value.problems] == ["line 5)"]


@pytest.mark.parametrize(("text", "expected"), [
    ("format: maturity-portfolio/1\ncertificates:\n  - {subject: a, model: cd, level: 3, "
     "date: 2024-03-01, issuer: x, colour: red}\n  - 7\n",
     [("unknown-field", "$.certificates[0].colour"), ("invalid-value", "$.certificates[1]")]),
    ("format: maturity-portfolio/1\ncertificates: {}\nextra: 1\n",
     [("unknown-field", "$.extra"), ("invalid-value", "$.certificates")]),
    ("format: maturity-model/1\ncertificates: []\n", [("invalid-value", "$.format")]),
    ("- a\n", [("invalid-value", "$.certificates[0]")]),
    ("7\n", [("invalid-value", "$")]),
    ("certificates: [\n", [("invalid-value", "$")]),
])
def test_bad_portfolio_documents_are_listed(text: str, expected: list[tuple[str, str]],
                                            tmp_path: Path) -> None:
    assert _load_problems(tmp_path / "p.yaml", text) == expected


def test_reading_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(HEADER + "a,cd,3,2024-03-01,x\n" * 50, encoding="utf-8")
    with pytest.raises(PortfolioValidationError) as info:
        mm.Portfolio.load(path, limits=mm.Limits(max_bytes=100))
    assert codes_paths(info.value) == [("invalid-value", "$")]


def test_an_unreadable_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        mm.Portfolio.load(tmp_path / "missing.csv")


def test_the_json_schema_accepts_written_portfolios_and_refuses_unknown_fields() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from maturity_model.schema import portfolio_json_schema

    validator = jsonschema.Draft202012Validator(
        portfolio_json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    doc = json.loads(mm.Portfolio.load(EXAMPLE).dump(file_format="json"))
    assert list(validator.iter_errors(doc)) == []
    doc["certificates"][0]["colour"] = "red"
    doc["certificates"][1]["date"] = "2024-13-01"
    assert len(list(validator.iter_errors(doc))) == 2


def test_count_table_repr_shows_its_counts() -> None:
    table = CountTable(by=("part",), rows=((("cd",), 2),))
    assert repr(table) == "CountTable(by=('part',), {'cd': 2})"
