"""Answers that carry a note and evidence; practices that need evidence (DESIGN §2 "Evidence")."""

from __future__ import annotations

import datetime
from typing import Any, Literal

import attrs
import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import assume, given, settings

import maturity_model as mm
from maturity_model.evidence import AnswerDetail, EvidenceRecord, resolve_answers
from maturity_model.serialization import (
    assessment_to_dict,
    dump_assessment,
    dump_profile,
    load_profile_text,
    loads_assessment,
    loads_model,
)

from .strategies import MONOTONE_ITEM_RULES, model_and_assessment

DAY = datetime.date(2026, 11, 1)

MODEL = mm.MaturityModel(id="m", version="1", domains=[mm.Domain(id="d", items=[
    mm.CapabilityItem(id="i", practices=[
        mm.Practice(id="fresh", level=1, evidence="required", evidence_max_age_months=6),
        mm.Practice(id="any", level=1, evidence="required"),
        mm.Practice(id="free", level=1)])])])


def _record(date: datetime.date | None = None, **link: str) -> EvidenceRecord:
    return EvidenceRecord(title="proof", date=date, **(link or {"path": "proof.pdf"}))


def _assessment(details: dict[str, AnswerDetail], date: datetime.date | None = DAY,
                answers: dict[str, Any] | None = None) -> mm.Assessment:
    return mm.Assessment(model="m", date=date, details=details,
                         answers=answers or {"fresh": True, "any": True, "free": True})


def test_an_answer_mapping_loads_value_note_and_evidence() -> None:
    a = loads_assessment("""
model: m
answers:
  fresh:
    value: 0.5
    note: two of four repos
    evidence:
      - {title: Repo list, url: "https://git.example.com/", date: 2026-10-01, reviewer: ann}
      - {title: Audit, path: audits/2026.pdf}
  free: yes
""")
    assert dict(a.answers) == {"fresh": 0.5, "free": "yes"}
    assert a.details["fresh"] == AnswerDetail(note="two of four repos", evidence=[
        EvidenceRecord(title="Repo list", url="https://git.example.com/",
                       date=datetime.date(2026, 10, 1), reviewer="ann"),
        EvidenceRecord(title="Audit", path="audits/2026.pdf")])


def test_an_answer_mapping_without_value_is_unknown_with_its_evidence() -> None:
    a = loads_assessment("model: m\nanswers: {any: {note: asked}}")
    assert dict(a.answers) == {}
    assert a.details["any"].note == "asked"


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_answers_with_evidence_survive_dump_and_load(fmt: Literal["yaml", "json", "toml"],
                                                     ) -> None:
    a = _assessment({"fresh": AnswerDetail(note="n", evidence=[_record(DAY, url="https://x.org")]),
                     "any": AnswerDetail(evidence=[_record()])})
    assert loads_assessment(dump_assessment(a, file_format=fmt), fmt) == a


def test_an_answer_is_written_as_a_mapping_only_when_it_carries_something() -> None:
    doc = assessment_to_dict(_assessment({"any": AnswerDetail(note="see wiki")}))
    assert doc["answers"] == {"fresh": True, "any": {"value": True, "note": "see wiki"},
                              "free": True}


@pytest.mark.parametrize(("text", "code", "path"), [
    ("answers: {any: {value: true, colour: red}}", "unknown-field", "$.answers['any'].colour"),
    ("answers: {any: {evidence: [{title: x, path: p, when: 1}]}}", "unknown-field",
     "$.answers['any'].evidence[0].when"),
    ("answers: {any: {evidence: [{title: x, path: p, date: someday}]}}", "invalid-value",
     "$.answers['any'].evidence[0].date"),
    ("details: {any: {note: x}}", "unknown-field", "$.details"),
])
def test_malformed_answer_mappings_are_problems_with_paths(text: str, code: str,
                                                            path: str) -> None:
    with pytest.raises(mm.AssessmentValidationError) as info:
        loads_assessment("model: m\n" + text)
    assert [(p.code, p.path) for p in info.value.problems] == [(code, path)]


@pytest.mark.parametrize(("record", "code", "path"), [
    ({"url": "git.example.com/repo"}, "invalid-url", "$.answers['any'].evidence[0].url"),
    ({"url": "https://exa mple.com"}, "invalid-url", "$.answers['any'].evidence[0].url"),
    ({"url": "https:///no-host"}, "invalid-url", "$.answers['any'].evidence[0].url"),
    ({"url": "http://h:port/"}, "invalid-url", "$.answers['any'].evidence[0].url"),
    ({"path": "a.pdf", "date": datetime.date(2026, 11, 2)}, "future-date",
     "$.answers['any'].evidence[0].date"),
    ({}, "invalid-value", "$.answers['any'].evidence[0]"),
    ({"url": "https://x.org", "path": "a.pdf"}, "invalid-value",
     "$.answers['any'].evidence[0]"),
])
def test_bad_evidence_is_a_coded_problem(record: dict[str, Any], code: str, path: str) -> None:
    a = _assessment({"any": AnswerDetail(evidence=[EvidenceRecord(title="t", **record)])})
    problems = mm.check(MODEL, a, as_of=DAY)
    assert [(p.code, p.path, p.severity) for p in problems] == [(code, path, "error")]
    with pytest.raises(mm.AssessmentValidationError) as info:
        mm.score(MODEL, a, as_of=DAY)
    assert info.value.problems == problems


def test_good_urls_and_schemes_pass() -> None:
    records = [EvidenceRecord(title="t", url=u) for u in (
        "https://git.example.com/a?b=c#d", "http://[::1]:8080/x", "ftp://files.example.com/x",
        "mailto:team@example.com")]
    assert mm.check(MODEL, _assessment({"any": AnswerDetail(evidence=records)}),
                    as_of=DAY) == ()


def test_evidence_on_an_unknown_practice_is_an_unknown_practice() -> None:
    a = _assessment({"ghost": AnswerDetail(note="x")})
    assert [(p.code, p.path) for p in mm.check(MODEL, a)] == [
        ("unknown-practice", "$.answers['ghost']")]


def test_a_practice_needing_evidence_is_unknown_without_it() -> None:
    profile = mm.score(MODEL, _assessment({}))
    assert [(p.practice_id, p.status, p.value, p.evidence_gap)
            for p in profile.practices.values()] == [
        ("fresh", "unknown", 0.0, "missing"), ("any", "unknown", 0.0, "missing"),
        ("free", "met", 1.0, None)]
    assert profile["i"].counts == mm.Counts(met=1, unknown=2)
    assert profile["i"].score == pytest.approx(1 / 3)


def test_evidence_older_than_the_limit_is_stale_on_the_assessment_date() -> None:
    old = AnswerDetail(evidence=[_record(datetime.date(2026, 4, 30))])
    edge = AnswerDetail(evidence=[_record(datetime.date(2026, 5, 1))])
    undated = AnswerDetail(evidence=[_record()])
    gaps = {name: mm.score(MODEL, _assessment({"fresh": d, "any": d})).practices
            for name, d in (("old", old), ("edge", edge), ("undated", undated))}
    assert (gaps["old"]["fresh"].evidence_gap, gaps["old"]["any"].evidence_gap) == ("stale", None)
    assert (gaps["edge"]["fresh"].status, gaps["edge"]["fresh"].evidence_gap) == ("met", None)
    assert gaps["undated"]["fresh"].evidence_gap == "stale"
    assert gaps["undated"]["any"].status == "met"


def test_without_an_assessment_date_age_is_measured_on_as_of() -> None:
    detail = AnswerDetail(evidence=[_record(datetime.date(2026, 1, 10))])
    a = _assessment({"fresh": detail}, date=None)
    assert mm.score(MODEL, a, as_of=datetime.date(2026, 7, 10)).practices["fresh"].status == "met"
    assert mm.score(MODEL, a, as_of=datetime.date(2026, 7, 11)).practices[
        "fresh"].evidence_gap == "stale"


def test_na_and_unanswered_practices_need_no_evidence() -> None:
    profile = mm.score(MODEL, _assessment({}, answers={"fresh": "n/a"}))
    assert [(p.status, p.evidence_gap) for p in profile.practices.values()] == [
        ("n/a", None), ("unknown", None), ("unknown", None)]


def test_a_practice_judged_from_a_metric_needs_no_evidence() -> None:
    model = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[mm.CapabilityItem(
        id="i", practices=[mm.Practice(id="p", level=1, evidence="required", metric=(
            mm.MetricCriterion(name="cov", threshold=80)))])])])
    profile = mm.score(model, mm.Assessment(model="m", observations={"cov": 90}))
    assert profile.practices["p"].status == "met"


def test_explain_names_the_practices_counted_unknown_for_want_of_evidence() -> None:
    old = AnswerDetail(evidence=[_record(datetime.date(2020, 1, 1))])
    text = mm.score(MODEL, _assessment({"fresh": old})).explain("i")
    assert "counted as unknown, evidence missing: any" in text
    assert "counted as unknown, evidence too old: fresh" in text


def test_the_batch_engine_sees_the_same_unknowns() -> None:
    a = _assessment({"any": AnswerDetail(evidence=[_record()])})
    compiled = mm.batch.compile(MODEL)
    values = compiled.from_assessments([a], as_of=DAY).values
    assert np.isnan(values[0, 0]) and values[0, 1:].tolist() == [1.0, 1.0]
    assert compiled.score(*compiled.from_assessments([a])).scores[0].tolist() == [
        mm.score(MODEL, a)[n].score for n in ("m", "d", "i")]


def test_profiles_carry_notes_evidence_and_gaps_through_json() -> None:
    detail = AnswerDetail(note="n", evidence=[_record(DAY, url="https://x.org")])
    profile = mm.score(MODEL, _assessment({"any": detail}))
    back = load_profile_text(dump_profile(profile))
    assert back.practices["any"].evidence == detail.evidence
    assert back.practices["any"].note == "n"
    assert back.practices["fresh"].evidence_gap == "missing"


def test_the_evidence_policy_loads_and_is_checked() -> None:
    text = """
id: m
domains:
  - id: d
    items:
      - id: i
        practices:
          - {id: a, level: 1, evidence: required, evidence_max_age_months: 12}
          - {id: b, level: 1, evidence_max_age_months: 0}
          - {id: c, level: 1, evidence_max_age_months: 3}
"""
    with pytest.raises(mm.ModelValidationError) as info:
        loads_model(text)
    assert [(p.code, p.path) for p in info.value.problems] == [
        ("invalid-value", "$.domains[0].items[0].practices[1].evidence_max_age_months"),
        ("invalid-value", "$.domains[0].items[0].practices[2].evidence_max_age_months")]
    model = loads_model(text.split("          - {id: b", maxsplit=1)[0])
    assert model.practice("a").evidence_max_age_months == 12
    with pytest.raises(mm.ModelValidationError):
        loads_model(text.replace("evidence: required", "evidence: maybe"))


@st.composite
def _details(draw: st.DrawFn, practice_ids: list[str]) -> dict[str, AnswerDetail]:
    texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
    records = st.builds(
        lambda title, link, url, date, reviewer: EvidenceRecord(
            title=title, date=date, reviewer=reviewer,
            **({"url": f"https://example.com/{link}"} if url else {"path": link or "p"})),
        texts, st.from_regex(r"[a-z0-9/._-]{0,10}", fullmatch=True), st.booleans(),
        st.none() | st.dates(datetime.date(2000, 1, 1), DAY), st.none() | texts)
    chosen = draw(st.lists(st.sampled_from(practice_ids), unique=True)) if practice_ids else []
    return {pid: AnswerDetail(note=draw(texts), evidence=draw(st.lists(records, max_size=3)))
            for pid in chosen}


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_assessments_with_evidence_load_dump_load_to_the_same(data: st.DataObject) -> None:
    model, assessment = data.draw(model_and_assessment())
    details = data.draw(_details([p.id for p in model.practices()]))
    a = mm.Assessment(model=assessment.model, model_version=assessment.model_version,
                      subject=assessment.subject, date=DAY, answers=assessment.answers,
                      observations=assessment.observations, details=details)
    for fmt in ("yaml", "json", "toml"):
        assert loads_assessment(dump_assessment(a, file_format=fmt), fmt) == a


def _needing_evidence(model: mm.MaturityModel, needing: set[str]) -> mm.MaturityModel:
    """``model`` with ``evidence: required`` (six months at most) on these practices."""

    def mark(p: mm.Practice) -> mm.Practice:
        return p if p.id not in needing else mm.Practice(**{
            **{f: getattr(p, f) for f in ("id", "key", "replaces", "level", "text", "weight",
                                          "mandatory", "answer_set", "requires", "metric",
                                          "effort")},
            "evidence": "required", "evidence_max_age_months": 6})

    def items(d: mm.Domain) -> mm.Domain:
        return mm.Domain(**{**{f: getattr(d, f) for f in ("id", "key", "replaces", "name",
                                                          "weight", "rule")},
                            "domains": [items(s) for s in d.domains],
                            "items": [mm.CapabilityItem(**{**{f: getattr(i, f) for f in (
                                "id", "key", "replaces", "name", "weight", "rule")},
                                "practices": [mark(p) for p in i.practices]})
                                for i in d.items]})

    return mm.MaturityModel(id=model.id, version=model.version, scale=model.scale,
                            rules=model.rules, dependencies=model.dependencies,
                            answer_sets=model.answer_sets,
                            domains=[items(d) for d in model.domains])


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_engines_agree_when_practices_need_evidence(data: st.DataObject) -> None:
    model, assessment = data.draw(model_and_assessment())
    ids = [p.id for p in model.practices()]
    # A generated model may have no practice: then nothing can need evidence.
    needing = set(data.draw(st.lists(st.sampled_from(ids), unique=True) if ids
                            else st.just([])))
    marked = _needing_evidence(model, needing)
    details = data.draw(_details(ids))
    a = mm.Assessment(model=model.id, model_version=model.version, date=DAY,
                      answers=assessment.answers, observations=assessment.observations,
                      details=details)
    profile = mm.score(marked, a)
    answers = resolve_answers(marked, a)
    for pid in needing:
        if answers[pid].evidence_gap is not None:
            assert profile.practices[pid].status == "unknown"
    compiled = mm.batch.compile(marked)
    batch = compiled.score(*compiled.from_assessments([a]))
    for k, node in enumerate(batch.node_ids):
        expected = profile[node].score
        got = batch.scores[0, k]
        assert (expected is None and np.isnan(got)) or got == pytest.approx(expected)


def test_batch_profiles_carry_notes_evidence_and_gaps_like_the_object_engine() -> None:
    detail = AnswerDetail(note="n", evidence=[_record(DAY, url="https://x.org")])
    a = _assessment({"any": detail})
    ((_, row),) = list(mm.batch.score_stream(mm.batch.compile(MODEL), [("a", a)]))
    assert isinstance(row, mm.batch.ScoredRow)
    assert dict(row.profile().practices) == dict(mm.score(MODEL, a).practices)


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_more_evidence_never_lowers_anything(data: st.DataObject) -> None:
    model, assessment = data.draw(model_and_assessment(
        item_kinds=MONOTONE_ITEM_RULES, domain_kinds=("mean", "minimum", "quantile")))
    ids = [p.id for p in model.practices()]
    marked = _needing_evidence(model, set(data.draw(st.lists(st.sampled_from(ids),
                                                             unique=True))))
    details = data.draw(_details(ids))
    before = mm.score(marked, mm.Assessment(model=model.id, date=DAY,
                                            answers=assessment.answers, details=details))
    # As for raising an answer (tests/test_properties.py): within items assessed already,
    # since an item that becomes assessed joins its parent's aggregation (a minimum drops).
    assessed = [pid for pid, p in before.practices.items()
                if before[p.item_id].score is not None]
    assume(assessed)
    pid = data.draw(st.sampled_from(assessed))
    old = details.get(pid, AnswerDetail())
    details[pid] = AnswerDetail(note=old.note, evidence=[
        *old.evidence, EvidenceRecord(title="new", path="new.pdf", date=DAY)])
    after = mm.score(marked, mm.Assessment(model=model.id, date=DAY,
                                           answers=assessment.answers, details=details))
    for node in before:
        if node.score is None:
            continue
        other = after[node.node_id]
        assert other.score is not None and other.score >= node.score - 1e-9, node.node_id
        assert node.level is not None and other.level is not None
        assert other.level >= node.level, node.node_id


@pytest.mark.parametrize("text", ["a\x85b", "a\u2028b", "a\u2029b", "x\x85"])
def test_texts_with_unicode_line_breaks_read_back_from_yaml(text: str) -> None:
    a = mm.Assessment(model="m", subject=text, details={"p": AnswerDetail(note=text)})
    assert loads_assessment(dump_assessment(a)) == a


@given(st.data())
@settings(max_examples=40, deadline=None)
def test_assessments_with_evidence_validate_against_the_json_schema(
        data: st.DataObject) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    model, assessment = data.draw(model_and_assessment())
    a = attrs.evolve(assessment, details=data.draw(_details([p.id for p in model.practices()])))
    validator = jsonschema.Draft202012Validator(
        mm.assessment_json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(assessment_to_dict(a))] == []


@pytest.mark.parametrize("answer", [
    {"value": True, "colour": "red"},
    {"evidence": [{"title": "t", "url": "https://x.org", "path": "p"}]},
    {"evidence": [{"title": "t"}]},
    {"value": 2},
])
def test_the_json_schema_refuses_what_the_loader_refuses(answer: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    doc = {"format": "maturity-assessment/1", "model": "m", "answers": {"p": answer}}
    assert list(jsonschema.Draft202012Validator(mm.assessment_json_schema()).iter_errors(doc))


def test_the_model_schema_knows_the_evidence_policy() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(mm.model_json_schema())
    doc = mm.serialization.model_to_dict(MODEL)
    assert list(validator.iter_errors(doc)) == []
    doc["domains"][0]["items"][0]["practices"][0]["evidence"] = "maybe"
    assert list(validator.iter_errors(doc))
