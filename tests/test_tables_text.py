"""The text paths of tables: a chunk factorised at once, wide CSV joined around numbers.

Each is held to the plain way of doing it: column by column, and row by row through the
csv module.
"""

from __future__ import annotations

import csv
import io
import math
from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from maturity_model._answer_cells import factorize_rows, factorize_text
from maturity_model._cli_batch import StreamWriter
from maturity_model._cli_wide import WideWriter
from maturity_model._csv_cells import count_texts, csv_row, level_texts, number_texts

SUBJECTS = st.text(alphabet="ab ,\"'=-@\n\r\té", max_size=6)
SCORES = st.one_of(st.floats(allow_nan=True, allow_infinity=False), st.just(math.nan),
                   st.sampled_from([0.0, -0.0, 0.5, 1 / 3, 2.0]))


def reference(subjects: list[str], dates: list[str | None], scores: np.ndarray,
              levels: np.ndarray, columns: list[str], model: list[str], *,
              safe: bool) -> str:
    """The wide CSV as the csv module writes it, one row at a time."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for subject, date, s_row, l_row in zip(subjects, dates, scores.tolist(),
                                           levels.tolist(), strict=True):
        cells: list[object] = []
        for s, lv in zip(s_row, l_row, strict=True):
            cells += [None if math.isnan(s) else s, None if lv < 0 else lv]
        writer.writerow(csv_row([subject, date, *cells, *model], safe=safe))
    return out.getvalue()


@settings(max_examples=80)
@given(data=st.data(), rows=st.integers(0, 6), width=st.integers(1, 4), safe=st.booleans())
def test_wide_csv_is_what_the_csv_module_writes(data: st.DataObject, rows: int, width: int,
                                                safe: bool) -> None:
    subjects = data.draw(st.lists(SUBJECTS, min_size=rows, max_size=rows))
    dates = data.draw(st.lists(st.sampled_from([None, "2026-01-02"]), min_size=rows,
                               max_size=rows))
    scores = np.array(data.draw(st.lists(st.lists(SCORES, min_size=width, max_size=width),
                                         min_size=rows, max_size=rows)),
                      dtype=np.float64).reshape(rows, width)
    levels = np.array(data.draw(st.lists(st.integers(-1, 12), min_size=rows * width,
                                         max_size=rows * width)),
                      dtype=np.int16).reshape(rows, width)
    model = data.draw(st.lists(SUBJECTS, min_size=2, max_size=2))
    nodes = [f"n{k}" for k in range(width)]
    out = io.StringIO()
    writer = WideWriter(out, "csv", nodes, csv_safe=safe)
    compiled = SimpleNamespace(model=SimpleNamespace(id=model[0], version=model[1]))
    result = SimpleNamespace(scores=scores, levels=levels, compiled=compiled)
    writer.write(SimpleNamespace(rows=range(rows), result=result, subjects=subjects,
                                 dates=[None if d is None else _Date(d) for d in dates]))
    writer.close()
    assert out.getvalue() == reference(subjects, dates, scores, levels, writer.columns, model,
                                       safe=safe)


class _Date:
    def __init__(self, text: str) -> None:
        self.text = text

    def isoformat(self) -> str:
        return self.text


def test_number_and_level_texts() -> None:
    values = np.array([[0.1 + 0.2, np.nan, -0.0], [1e-300, 0.0, 2.5]])
    assert number_texts(values).tolist() == [["0.30000000000000004", "", "-0.0"],
                                             ["1e-300", "0.0", "2.5"]]
    assert level_texts(np.array([[-1, 0], [11, 3]], dtype=np.int16)).tolist() == [
        ["", "0"], ["11", "3"]]
    assert number_texts(np.empty((0, 3))).shape == (0, 3)


@settings(max_examples=80)
@given(data=st.data(), rows=st.integers(1, 8), width=st.integers(1, 5))
def test_a_chunk_factorised_at_once_is_each_column_factorised(
        data: st.DataObject, rows: int, width: int) -> None:
    cell = st.sampled_from(["", "yes", "no", " yes", "0.5", "n/a", "é", "a,b"])
    table = data.draw(st.lists(st.tuples(*[cell] * width), min_size=rows, max_size=rows))
    got = factorize_rows(table, width)
    want = [factorize_text(column) for column in zip(*table, strict=True)]
    assert [(u, c.tolist()) for u, c in got] == [(u, c.tolist()) for u, c in want]


def long_reference(scored: SimpleNamespace, nodes: list[list[object]], *, safe: bool) -> str:
    """The long CSV of a scored chunk as the csv module writes it, row by row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    result = scored.result
    model = csv_row([result.compiled.model.id, result.compiled.model.version], safe=safe)
    for subject, date, s_row, l_row, c_row in zip(
            csv_row(scored.subjects, safe=safe), scored.dates, result.scores.tolist(),
            result.levels.tolist(), result.counts.tolist(), strict=True):
        for node, score, lv, c in zip(nodes, s_row, l_row, c_row, strict=True):
            writer.writerow([subject, *node, "" if lv < 0 else lv, "" if lv < 0 else score,
                             *c, "" if date is None else date.isoformat(), *model])
    return out.getvalue()


@settings(max_examples=60)
@given(data=st.data(), rows=st.integers(1, 5), width=st.integers(1, 3), safe=st.booleans())
def test_long_csv_is_what_the_csv_module_writes(data: st.DataObject, rows: int, width: int,
                                               safe: bool) -> None:
    subjects = data.draw(st.lists(SUBJECTS, min_size=rows, max_size=rows))
    dates = data.draw(st.lists(st.sampled_from([None, _Date("2026-01-02")]), min_size=rows,
                               max_size=rows))
    scores = np.array(data.draw(st.lists(SCORES, min_size=rows * width,
                                         max_size=rows * width))).reshape(rows, width)
    levels = np.array(data.draw(st.lists(st.integers(-1, 3), min_size=rows * width,
                                         max_size=rows * width)),
                      dtype=np.int16).reshape(rows, width)
    big = st.integers(0, 5000)
    counts = np.array(data.draw(st.lists(st.one_of(st.integers(0, 9), big),
                                         min_size=rows * width * 5, max_size=rows * width * 5)),
                      dtype=np.int32).reshape(rows, width, 5)
    names = data.draw(st.lists(SUBJECTS, min_size=width + 2, max_size=width + 2))
    info = [("item", names[k]) for k in range(width)]
    model = SimpleNamespace(id=names[-2], version=names[-1])
    compiled = SimpleNamespace(model=model, _info=info)
    node_ids = [f"=n{k}" for k in range(width)]
    result = SimpleNamespace(scores=scores, levels=levels, counts=counts, compiled=compiled,
                             node_ids=node_ids)
    scored = SimpleNamespace(result=result, rows=range(rows), subjects=subjects, dates=dates)
    out = io.StringIO()
    writer = StreamWriter(out, "csv", csv_safe=safe)
    writer.write_scored(scored)
    header, _, body = out.getvalue().partition("\n")
    assert header.startswith("subject,node_id,")
    nodes = [csv_row([n, *info[k]], safe=safe) for k, n in enumerate(node_ids)]
    assert body == long_reference(scored, nodes, safe=safe)
    assert count_texts(counts).shape == (rows, width)


def test_count_texts_beyond_the_packed_range() -> None:
    counts = np.array([[[4095, 0, 1, 2, 3]], [[4096, 0, 0, 0, 70000]]])
    assert count_texts(counts).tolist() == [["4095,0,1,2,3"], ["4096,0,0,0,70000"]]
    assert count_texts(counts[:1]).tolist() == [["4095,0,1,2,3"]]
