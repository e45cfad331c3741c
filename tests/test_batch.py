"""The batch engine gives, row by row, what ``mm.score`` gives (DESIGN invariant 6)."""

from __future__ import annotations

import math
import pickle
import threading
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model import batch
from maturity_model.rules import ChildOutcome, ItemEvidence, Outcome
from tests.strategies import assessments, models


def assert_same_profile(got: mm.Profile, expected: mm.Profile) -> None:
    """Equal, to the bit; field by field first, for a message that says where."""
    assert list(got.results) == list(expected.results)
    for node_id, want in expected.results.items():
        have = got[node_id]
        for field in attrs.fields(mm.Result):
            a, b = getattr(have, field.name), getattr(want, field.name)
            assert a == b, (node_id, field.name, a, b)
    assert got.practices == expected.practices
    assert got == expected


def column(result: batch.BatchResult, profile: mm.Profile, row: int) -> None:
    """The raw arrays of one row against a profile, to the bit."""
    for k, node_id in enumerate(result.node_ids):
        want = profile.overall if k == 0 else profile[node_id]
        level = int(result.levels[row, k])
        assert level == (-1 if want.level is None else want.level), node_id
        if want.score is None:
            assert math.isnan(result.scores[row, k]), node_id
        else:
            assert float(result.scores[row, k]) == want.score, node_id


# --------------------------------------------------------------------------- invariant 6


@given(st.data())
def test_every_row_equals_the_object_engine(data: st.DataObject) -> None:
    model = data.draw(models())
    cases = data.draw(st.lists(assessments(model), min_size=1, max_size=5))
    compiled = batch.compile(model)
    inputs = batch.from_assessments(compiled, cases)
    result = compiled.score(*inputs, counts=data.draw(st.booleans()),
                            coverage=data.draw(st.booleans()),
                            chunk_size=data.draw(st.sampled_from([None, 1, 2, 3])))
    for row, assessment in enumerate(cases):
        expected = mm.score(model, assessment)
        column(result, expected, row)
        assert_same_profile(result.profile(row, subject=assessment.subject,
                                           date=assessment.date), expected)


@given(st.data())
def test_float32_answers_score_as_their_float64_values(data: st.DataObject) -> None:
    # float32 answers are kept float32 inside (half the bytes to move); every term is
    # converted to float64 before it is added, so the results are those of the same
    # values given as float64, to the bit (and those equal the object engine above).
    model = data.draw(models())
    cases = data.draw(st.lists(assessments(model), min_size=1, max_size=5))
    compiled = batch.compile(model)
    values, na, observations = batch.from_assessments(compiled, cases)
    narrow = np.asarray(values).astype(np.float32)
    chunk = data.draw(st.sampled_from([None, 1, 2]))
    got = compiled.score(narrow, na, observations, counts=True, chunk_size=chunk)
    want = compiled.score(narrow.astype(np.float64), na, observations, counts=True,
                          chunk_size=chunk)
    np.testing.assert_array_equal(got.scores, want.scores)
    np.testing.assert_array_equal(got.levels, want.levels)
    np.testing.assert_array_equal(got.coverage, want.coverage)
    np.testing.assert_array_equal(got.counts, want.counts)


def test_float32_sums_are_added_in_float64() -> None:
    # Ten float32 answers of 0.1: added in float32 they give 1.0000001, in float64
    # 1.0000000149011612, which is what the object engine adds (a mean of 0.1000000015).
    model = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 1), domains=[
        mm.Domain(id="d", items=[mm.CapabilityItem(id="i", practices=[
            mm.Practice(id=f"p{k}", level=1) for k in range(10)])])])
    result = batch.compile(model).score(np.full((1, 10), 0.1, dtype=np.float32))
    assessment = mm.Assessment(model="m", answers={
        f"p{k}": float(np.float32(0.1)) for k in range(10)})
    expected = mm.score(model, assessment)
    assert float(result.scores[0, 2]) == expected["i"].score
    assert result.coverage is not None
    assert float(result.coverage[0, 2, 0]) == expected["i"].coverage[1]


@given(st.data())
def test_coverage_and_counts_arrays_equal_the_profile(data: st.DataObject) -> None:
    model = data.draw(models())
    assessment = data.draw(assessments(model))
    compiled = batch.compile(model)
    result = compiled.score(*batch.from_assessments(compiled, [assessment]), counts=True)
    expected = mm.score(model, assessment)
    assert result.coverage is not None and result.counts is not None
    for k, node_id in enumerate(compiled.node_ids):
        want = expected.overall if k == 0 else expected[node_id]
        for j, lv in enumerate(compiled.scale_values):
            got = float(result.coverage[0, k, j])
            assert (None if math.isnan(got) else got) == want.coverage[lv], (node_id, lv)
        assert result.counts[0, k].tolist() == [want.counts.met, want.counts.partial,
                                                want.counts.not_met, want.counts.na,
                                                want.counts.unknown]


@given(st.data())
def test_score_frame_equals_the_object_engine(data: st.DataObject) -> None:
    pd = pytest.importorskip("pandas")
    model = data.draw(models())
    cases = data.draw(st.lists(assessments(model), min_size=1, max_size=4))
    rows = []
    for a in cases:
        row: dict[str, Any] = {p.id: a.answers.get(p.id) for p in model.practices()}
        row.update(a.observations)
        rows.append(row)
    metrics = batch.compile(model).metric_names
    frame = pd.DataFrame(rows, columns=[*(p.id for p in model.practices()),
                                        *(m for m in ("m_a", "m_b") if m in metrics)])
    out = batch.compile(model).score_frame(frame, na=False)  # None is meant as unknown
    for number, a in enumerate(cases):
        expected = mm.score(model, a)
        for result in expected:
            score = out[f"score:{result.node_id}"].iloc[number]
            level = out[f"level:{result.node_id}"].iloc[number]
            if result.score is None:
                assert math.isnan(score) and level is pd.NA
            else:
                assert float(score) == result.score and level == result.level


def test_a_real_model_and_its_example_assessment() -> None:
    from maturity_model import standards

    for name in standards.available():
        model = standards.load(name.name)
        example = standards.example_assessment(name.name)
        compiled = batch.compile(model)
        result = compiled.score(*batch.from_assessments(compiled, [example]))
        assert_same_profile(result.profile(0, subject=example.subject, date=example.date),
                            mm.score(model, example))


def test_samm_model_with_random_answers(reference_dir: Path) -> None:
    from maturity_model.formats import samm

    model = samm.load_model(reference_dir / "samm" / "core")
    compiled = batch.compile(model)
    rng = np.random.default_rng(7)
    labels = [0.0, 0.25, 0.5, 1.0]
    cases = [mm.Assessment(model=model.id, answers={
        p.id: labels[int(rng.integers(4))] for p in model.practices()
        if rng.random() < 0.9}) for _ in range(20)]
    result = compiled.score(*batch.from_assessments(compiled, cases))
    for row, a in enumerate(cases):
        expected = mm.score(model, a)
        column(result, expected, row)
    # The SAMM overall figure is a mean of means: a value, not just agreement.
    assert 0.0 < float(result.scores[:, 0].mean()) < 3.0


# --------------------------------------------------------------------------- custom rules


@attrs.frozen
class Best:
    kind: ClassVar[str] = "best"

    def aggregate(self, children: Sequence[ChildOutcome]) -> Outcome:
        top = max(children, key=lambda c: (c.score, c.node_id))
        return Outcome(score=top.score, level=top.level)


@attrs.frozen
class AnyMet:
    """Level 1 as soon as one level has any credit: an item rule of one's own."""

    kind: ClassVar[str] = "any-met"

    def evaluate_item(self, evidence: ItemEvidence) -> Outcome | None:
        if not evidence.assessed:
            return None
        best = max((lv.mean or 0.0) for lv in evidence.levels)
        return Outcome(score=best, level=1 if best > 0 else 0)


def custom_model() -> mm.MaturityModel:
    return mm.MaturityModel(
        id="c", scale=mm.LevelScale.range(0, 3),
        rules=mm.ModelRules(domain=Best()),
        domains=[mm.Domain(id="d", items=[
            mm.CapabilityItem(id="a", rule=AnyMet(), practices=[
                mm.Practice(id="a1", level=1), mm.Practice(id="a2", level=2)]),
            mm.CapabilityItem(id="b", practices=[
                mm.Practice(id="b1", level=1), mm.Practice(id="b2", level=2)])])])


def test_custom_rules_take_the_object_path() -> None:
    model = custom_model()
    compiled = batch.compile(model)
    values = np.array([[0.25, 0.5, 1.0, 1.0], [np.nan, np.nan, 0.0, 0.0],
                       [np.nan, np.nan, np.nan, np.nan]])
    result = compiled.score(values)
    assert compiled.node_ids == ("c", "d", "a", "b")
    # b climbs to 3: level 3 has no practice of b, and a vacuous level passes.
    assert result.scores.tolist()[0] == [3.0, 3.0, 0.5, 3.0]
    assert result.levels.tolist()[1] == [0, 0, -1, 0]
    assert result.levels.tolist()[2] == [-1, -1, -1, -1]
    for row in range(3):
        answers = {pid: float(v) for pid, v in zip(compiled.practice_ids, values[row],
                                                   strict=True) if not math.isnan(v)}
        assert_same_profile(result.profile(row),
                            mm.score(model, mm.Assessment(model="c", answers=answers)))


def test_a_compiled_model_with_custom_rules_pickles() -> None:
    compiled = batch.compile(custom_model())
    again = pickle.loads(pickle.dumps(compiled))  # what dask and multiprocessing do
    values = np.array([[0.25, 0.5, 1.0, 1.0]])
    assert again.node_ids == compiled.node_ids
    assert again.score(values).scores.tolist() == compiled.score(values).scores.tolist()


# --------------------------------------------------------------------------- bad input


def small() -> batch.CompiledModel:
    return batch.compile(mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 2), domains=[
        mm.Domain(id="d", items=[mm.CapabilityItem(id="i", practices=[
            mm.Practice(id="p1", level=1), mm.Practice(id="p2", level=2)])])]))


def test_values_outside_zero_one_are_listed_by_row_and_practice() -> None:
    with pytest.raises(mm.AssessmentValidationError) as info:
        small().score([[1.0, 0.5], [1.5, -0.25]])
    assert set(info.value.codes) == {"invalid-value"}
    assert [p.path for p in info.value.problems] == ["values[1, 'p1']", "values[1, 'p2']"]


def test_a_value_out_of_range_is_refused_unless_its_cell_is_na() -> None:
    # N/A wins over the cell, whatever it holds; outside N/A the range check applies.
    compiled = small()
    result = compiled.score([[5.0, 1.0], [1.0, np.inf]], na=[[True, False], [False, True]])
    assert result.scores[:, 2].tolist() == [2.0, 2.0]  # the N/A level is vacuous
    with pytest.raises(mm.AssessmentValidationError) as info:
        compiled.score([[5.0, 1.0], [1.0, -np.inf]], na=[[True, False], [False, False]])
    assert [p.path for p in info.value.problems] == ["values[1, 'p2']"]


def test_wrong_shapes_and_types_are_refused_before_any_work() -> None:
    compiled = small()
    with pytest.raises(ValueError, match=r"shape \(assessments, 2\)"):
        compiled.score(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="na must have the shape"):
        compiled.score(np.zeros((3, 2)), na=np.zeros((2, 2), dtype=bool))
    with pytest.raises(ValueError, match="must be numbers"):
        compiled.score(np.array([["yes", "no"]]))
    with pytest.raises(ValueError, match="chunk_size"):
        compiled.score(np.zeros((3, 2)), chunk_size=0)


def test_an_infinite_observation_is_a_problem() -> None:
    compiled = batch.compile(mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
        mm.CapabilityItem(id="lt", rule=mm.MetricBands(metric="lead", better="lower",
                                                       bounds={3: 1, 2: 10}))])]))
    with pytest.raises(mm.AssessmentValidationError) as info:
        compiled.score(np.zeros((2, 0)), observations=[[1.0], [math.inf]])
    assert [p.path for p in info.value.problems] == ["observations[1, 'lead']"]
    ok = compiled.score(np.zeros((3, 0)), observations=[[0.5], [5.0], [np.nan]])
    assert ok.levels[:, 2].tolist() == [3, 2, -1]


def test_score_frame_refuses_a_column_that_names_nothing() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"p1": [1.0], "p_2": [1.0]})
    with pytest.raises(mm.AssessmentValidationError) as info:
        small().score_frame(frame)
    assert [(p.code, p.path) for p in info.value.problems] == [
        ("unknown-practice", "$['p_2']")]
    assert small().score_frame(frame, strict=False)["level:i"].tolist() == [1]


def test_score_frame_refuses_a_bad_label() -> None:
    pd = pytest.importorskip("pandas")
    with pytest.raises(mm.AssessmentValidationError) as info:
        small().score_frame(pd.DataFrame({"p1": ["yes", "perhaps"], "p2": [0, 1]}))
    assert info.value.problems[0].path == "$['p1']"


def test_score_frame_refuses_a_duplicated_column() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame([[1.0, 0.5, 0.0]], columns=["p1", "p2", "p1"])
    with pytest.raises(mm.AssessmentValidationError) as info:
        small().score_frame(frame)
    assert [(p.code, p.path) for p in info.value.problems] == [("duplicate-id", "$['p1']")]


def test_score_frame_reads_every_kind_of_pandas_column() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({
        "p1": pd.Categorical(["yes", "no", "N/A", None]),
        "p2": pd.array([1, 0, 1, None], dtype="Int64")})
    out = small().score_frame(frame)
    assert out["score:i"].tolist()[:3] == [2.0, 0.0, 2.0]
    assert out["level:i"].tolist() == [2, 0, 2, pd.NA]
    strings = pd.DataFrame({"p1": pd.array(["yes", None], dtype="string"), "p2": [0.5, 1.0]})
    assert small().score_frame(strings)["score:i"].tolist() == [1.5, 0.0]


def test_rows_count_from_the_end_and_out_of_range_is_an_index_error() -> None:
    result = small().score([[1.0, 0.5], [0.0, 1.0]], coverage=False)
    assert result.profile(-1) == result.profile(1)
    assert result.profile(-1)["i"].coverage == {1: 0.0, 2: 1.0}
    assert result.records(-2)[2]["score"] == 1.5
    with pytest.raises(IndexError, match="row 2 out of range for 2"):
        result.profile(2)
    with pytest.raises(IndexError):
        result.records(-3)


def test_zero_rows() -> None:
    result = small().score(np.empty((0, 2)))
    assert result.scores.shape == (0, 3) and result.levels.shape == (0, 3)
    assert len(result) == 0


def test_na_wins_over_a_value_and_unknown_is_not_evidence() -> None:
    result = small().score([[1.0, 0.0], [np.nan, np.nan]], na=[[False, True], [True, False]])
    # Row 0: p2 is N/A, so level 2 is vacuous and the item reaches the top.
    # Row 1: p1 N/A, p2 unknown: nothing assessed.
    assert result.scores.tolist()[0] == [2.0, 2.0, 2.0]
    assert result.levels.tolist()[1] == [-1, -1, -1]


# --------------------------------------------------------------------------- streaming


def test_score_stream_keeps_order_and_passes_failures_through() -> None:
    compiled = small()
    broken = mm.AssessmentValidationError([mm.Problem.of("invalid-value", "$", "x")])
    items: list[tuple[str, Any]] = [
        ("a", mm.Assessment(model="m", subject="a", answers={"p1": True})),
        ("b", broken),
        ("c", mm.Assessment(model="m", subject="c", answers={"p1": 2})),
        ("d", mm.Assessment(model="m", subject="d", answers={"p1": True, "p2": 0.5})),
    ]
    out = list(batch.score_stream(compiled, items, chunk_size=1))
    assert [key for key, _ in out] == ["a", "b", "c", "d"]
    assert out[1][1] is broken
    assert isinstance(out[2][1], mm.AssessmentValidationError)
    scored = out[3][1]
    assert isinstance(scored, batch.ScoredRow)
    assert scored.scores.tolist() == [1.5, 1.5, 1.5]
    assert scored.profile().subject == "d"
    assert scored.records()[2]["partial"] == 1


def test_score_iter_streams_with_bounded_memory() -> None:
    """A long stream holds one chunk: peak well under 3 x (chunk input + chunk output)."""
    practices = [mm.Practice(id=f"i{i}.p{k}", level=1 + k % 5) for i in range(40)
                 for k in range(10)]
    model = mm.MaturityModel(id="m", domains=[mm.Domain(id=f"d{d}", rule=mm.Minimum(), items=[
        mm.CapabilityItem(id=f"i{i}", practices=practices[10 * i:10 * i + 10])
        for i in range(8 * d, 8 * d + 8)]) for d in range(5)])
    compiled = batch.compile(model)
    rows, chunks = 2_000, 40
    rng = np.random.default_rng(3)

    def stream() -> Any:
        for _ in range(chunks):
            yield rng.random((rows, len(compiled.practice_ids)))

    chunk_input = rows * len(compiled.practice_ids) * 8
    chunk_output = rows * len(compiled.node_ids) * (8 + 2)
    total = 0.0
    tracemalloc.start()
    try:
        for result in compiled.score_iter(stream(), coverage=False):
            total += float(result.scores[:, 0].sum())
            del result
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 80,000 assessments went through; memory is that of a few chunks, not of the stream.
    assert peak < 3 * (chunk_input + chunk_output), (peak, chunk_input, chunk_output)
    assert peak < chunks * chunk_input / 10
    assert total > 0.0


def test_one_large_call_holds_little_besides_its_input_and_output() -> None:
    items = [mm.CapabilityItem(id=f"i{i}", practices=[
        mm.Practice(id=f"i{i}.p{k}", level=1 + k % 3) for k in range(6)]) for i in range(50)]
    compiled = batch.compile(mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 3),
                                              domains=[mm.Domain(id="d", items=items)]))
    values = np.random.default_rng(5).random((20_000, 300))
    output = values.shape[0] * len(compiled.node_ids) * (8 + 2)
    tracemalloc.start()
    try:
        result = compiled.score(values, coverage=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Work arrays are those of one internal chunk (about four of its inputs: the values,
    # the zeros they are compared with, per-level sums and means) and the node results
    # of the few chunks aggregated at once (about two more), however many rows the call
    # has; without chunking they would be some 23 times that.
    chunk_input = compiled.chunk_rows() * values.shape[1] * 8
    assert peak - output < 7 * chunk_input, (peak - output) / chunk_input
    assert result.levels.shape == (20_000, 52)


# --------------------------------------------------------------------------- threads


def test_many_threads_share_one_compiled_model() -> None:
    model = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 3), domains=[
        mm.Domain(id="d", items=[mm.CapabilityItem(id=f"i{i}", practices=[
            mm.Practice(id=f"i{i}.p{k}", level=1 + k % 3, requires=[f"i{i}.p0"] if k else [])
            for k in range(6)]) for i in range(10)])], dependencies="enforce")
    compiled = batch.compile(model)
    values = np.random.default_rng(11).random((3_000, 60))
    expected = compiled.score(values).scores
    outcomes: list[bool] = []

    def work() -> None:
        outcomes.append(bool(np.array_equal(compiled.score(values, chunk_size=97).scores,
                                            expected, equal_nan=True)))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == [True] * 8


# --------------------------------------------------------------------------- dask


def test_score_frame_under_dask_map_partitions() -> None:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    pd = pytest.importorskip("pandas")
    compiled = small()
    frame = pd.DataFrame({"p1": ["yes", "no", "n/a", None] * 25,
                          "p2": [1.0, 0.5, 0.25, None] * 25},
                         index=[f"team{k:03d}" for k in range(100)])  # sorted, as dask keeps it
    expected = compiled.score_frame(frame)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        ddf = dd.from_pandas(frame, npartitions=4)
        got = ddf.map_partitions(compiled.score_frame, meta=compiled.frame_meta()).compute()
    # dask may store the string index with another string dtype; the labels are the same.
    pd.testing.assert_frame_equal(got, expected, check_index_type=False)
    assert got.index.tolist() == expected.index.tolist()
    assert got["score:i"].tolist()[:3] == [2.0, 0.0, 1.25]  # level + m(next level)
    assert got["level:i"].tolist()[:4] == [2, 0, 1, pd.NA]


@settings(max_examples=20)
@given(st.integers(1, 7))
def test_chunk_size_never_changes_a_result(chunk: int) -> None:
    compiled = small()
    values = np.random.default_rng(chunk).random((23, 2))
    values[::5, 1] = np.nan
    a = compiled.score(values, chunk_size=chunk, counts=True)
    b = compiled.score(values, chunk_size=1000, counts=True)
    assert np.array_equal(a.scores, b.scores, equal_nan=True)
    assert np.array_equal(a.levels, b.levels)
    assert a.counts is not None and b.counts is not None
    assert np.array_equal(a.counts, b.counts)
