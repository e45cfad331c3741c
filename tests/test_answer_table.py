"""Many columns resolved at once mean what each column resolved alone means."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model._answer_cells import factorize_text, resolve_cells
from maturity_model._answer_table import resolve_columns
from maturity_model.evidence import answer_path

MODEL = mm.load_model(Path(__file__).parent / "data" / "valid-model.yaml")
PRACTICES = tuple(MODEL.practices())
PATHS = [answer_path(p.id) for p in PRACTICES]
CELLS = ["", " ", "1", "0", "0.5", "yes", "No", "TRUE", "n/a", "unknown", "2", "maybe",
         "Some", "All", "No", "-0.0", "nan"]


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.dictionaries(
    st.integers(0, len(PRACTICES) - 1),
    st.lists(st.sampled_from(CELLS), min_size=n, max_size=n), max_size=len(PRACTICES))))
def test_resolving_columns_together_equals_resolving_each_alone(
        table: dict[int, list[str]]) -> None:
    n = len(next(iter(table.values()))) if table else 3
    columns = [(j, factorize_text(cells)) for j, cells in table.items()]
    together = resolve_columns(MODEL, PRACTICES, n, columns, PATHS)
    expected_values = np.full((n, len(PRACTICES)), np.nan)
    expected_na = np.zeros((n, len(PRACTICES)), dtype=bool)
    expected_empty = np.ones((n, len(PRACTICES)), dtype=bool)
    expected_problems: dict[int, list[mm.Problem]] = {}
    for j, (uniques, codes) in columns:
        alone = resolve_cells(MODEL, PRACTICES[j], uniques, codes, PATHS[j])
        expected_values[:, j] = alone.values
        expected_na[:, j] = alone.na
        expected_empty[:, j] = alone.empty
        for row in np.flatnonzero(alone.invalid).tolist():
            expected_problems.setdefault(row, []).append(alone.row_problem(row))
    np.testing.assert_array_equal(together.values, expected_values)
    assert (together.na == expected_na).all()
    assert (together.empty == expected_empty).all()
    assert together.problems == expected_problems


def test_a_missing_cell_holds_no_answer() -> None:
    practice = PRACTICES.index(MODEL.practice("cm.vcs.3.1"))
    table = resolve_columns(MODEL, PRACTICES, 3, [(practice, (["All", "n/a"],
                                                              np.array([0, -1, 1])))], PATHS)
    assert table.values[:, practice].tolist()[0] == 1.0
    assert table.empty[:, practice].tolist() == [False, True, False]
    assert table.na[:, practice].tolist() == [False, False, True]
    assert table.problems == {}
