"""Frames like files: score_frame accepts what a CSV table accepts, with one resolver."""

from __future__ import annotations

import io
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model import batch
from maturity_model._cli_tables import Scored, score_inputs
from maturity_model.errors import NaNAnswerWarning

pd = pytest.importorskip("pandas")

DATA = Path(__file__).parent / "data"
MODEL = mm.load_model(DATA / "valid-model.yaml")
COMPILED = batch.compile(MODEL)
IDS = COMPILED.practice_ids
CELLS = ["", " ", "1", "0", "0.5", "0.25", "1.0", "yes", "No", "TRUE", "false", "n/a",
         " N/A ", "NA", "not applicable", "unknown", "?"]
LABELS = ["Some", "All", "No"]  # the answer set of cm.vcs.3.1
ROW = st.tuples(*(st.sampled_from(CELLS + LABELS if pid == "cm.vcs.3.1" else CELLS)
                  for pid in IDS)).map(list)


def csv_scores(text: str, tmp_path: Path) -> tuple[Any, Any]:
    table = tmp_path / "answers.csv"
    table.write_text(text, encoding="utf-8")
    scores, levels = [], []
    for outcome in score_inputs([str(table)], COMPILED, strict=True):
        assert isinstance(outcome, Scored), outcome
        scores.append(outcome.result.scores[list(outcome.rows)])
        levels.append(outcome.result.levels[list(outcome.rows)])
    return np.vstack(scores), np.vstack(levels)


def table_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    pd.DataFrame(rows, columns=list(IDS)).to_csv(out, index=False)
    return out.getvalue()


def frame_arrays(frame: Any, **kwargs: Any) -> tuple[Any, Any]:
    out = COMPILED.score_frame(frame, **kwargs)
    scores = out[[f"score:{n}" for n in COMPILED.node_ids]].to_numpy(dtype=np.float64)
    levels = out[[f"level:{n}" for n in COMPILED.node_ids]].to_numpy(
        dtype=np.float64, na_value=-1)
    return scores, levels


@pytest.mark.parametrize("dtype", [object, "string", "string[pyarrow]", "str", "category"])
@given(rows=st.lists(ROW, min_size=1, max_size=6))
def test_a_frame_scores_as_its_csv_table(tmp_path_factory: pytest.TempPathFactory,
                                         dtype: Any, rows: list[list[str]]) -> None:
    text = table_text(rows)
    want_scores, want_levels = csv_scores(text, tmp_path_factory.mktemp("t"))
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False).astype(dtype)
    got_scores, got_levels = frame_arrays(frame)
    np.testing.assert_array_equal(got_scores, want_scores)
    np.testing.assert_array_equal(got_levels, want_levels)


def test_default_read_csv_eats_na_and_warns() -> None:
    text = "cm.vcs.1.1,cm.vcs.2.1\nyes,n/a\nyes,N/A\n"
    eaten = pd.read_csv(io.StringIO(text))
    with pytest.warns(NaNAnswerWarning) as caught:
        scores, _ = frame_arrays(eaten)
    assert caught[0].message.columns == ("cm.vcs.2.1",)  # type: ignore[union-attr]
    kept = pd.read_csv(io.StringIO(text), keep_default_na=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        right, _ = frame_arrays(kept)
    vcs = COMPILED.node_index("cm.vcs")
    assert scores[:, vcs].tolist() == [1.0, 1.0]  # n/a read as unknown: level 2 not met
    assert right[:, vcs].tolist() == [2.0, 2.0]  # n/a: level 2 vacuous, level 3 at 0


def test_none_in_an_object_column_does_not_warn() -> None:
    frame = pd.DataFrame({"cm.vcs.1.1": ["yes", None]}, dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        COMPILED.score_frame(frame)


def test_na_mask_marks_cells_not_applicable_whatever_they_hold() -> None:
    frame = pd.DataFrame({"cm.vcs.1.1": ["yes", "yes"], "cm.vcs.2.1": [np.nan, 0.0]})
    mask = pd.DataFrame({"cm.vcs.2.1": [True, True]})  # aligned by column, others False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores, levels = frame_arrays(frame, na=mask)
    vcs = COMPILED.node_index("cm.vcs")
    assert scores[:, vcs].tolist() == [2.0, 2.0]
    assert levels[:, vcs].tolist() == [2, 2]
    as_array, _ = frame_arrays(frame, na=mask.reindex(columns=frame.columns,
                                                      fill_value=False).to_numpy())
    np.testing.assert_array_equal(as_array, scores)
    with pytest.raises(ValueError, match="shape"):
        COMPILED.score_frame(frame, na=np.zeros((3, 2), dtype=bool))


def test_na_false_says_missing_is_unknown() -> None:
    frame = pd.DataFrame({"cm.vcs.1.1": ["yes", np.nan]}, dtype=object)
    with pytest.warns(NaNAnswerWarning):
        COMPILED.score_frame(frame)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = COMPILED.score_frame(frame, na=False)
    assert out["level:cm.vcs"].tolist() == [1, pd.NA]


def test_a_number_off_the_unit_range_in_a_float_column_is_refused() -> None:
    frame = pd.DataFrame({"cm.vcs.1.1": [1.0, 2.0, -0.5, 2.0]})
    with pytest.raises(mm.AssessmentValidationError) as info:
        COMPILED.score_frame(frame)
    assert [(p.code, p.path) for p in info.value.problems] == [
        ("invalid-value", "$['cm.vcs.1.1']"), ("invalid-value", "$['cm.vcs.1.1']")]


def test_numeric_strings_and_labels_under_dask_string_conversion() -> None:
    dd = pytest.importorskip("dask.dataframe")
    dask = pytest.importorskip("dask")
    frame = pd.DataFrame({"cm.vcs.1.1": ["1", "0.5", "n/a", "yes"] * 5,
                          "cm.vcs.2.1": ["TRUE", "0", "N/A", "no"] * 5,
                          "cm.vcs.3.1": ["Some", "All", "No", ""] * 5})
    expected = COMPILED.score_frame(frame)
    with dask.config.set({"dataframe.convert-string": True, "scheduler": "synchronous"}):
        ddf = dd.from_pandas(frame, npartitions=2)
        assert all(isinstance(t, pd.StringDtype) for t in ddf.dtypes)
        got = ddf.map_partitions(COMPILED.score_frame, meta=COMPILED.frame_meta()).compute()
    pd.testing.assert_frame_equal(got, expected)
    assert math.isclose(expected["score:cm.vcs"].iloc[0], 2.5)  # level 2, "Some" of 3
