"""The pyarrow paths of ``maturity score``: no pandas, a reading thread, fixed row groups.

The reader parses the table in a second thread and the wide writer builds its arrays from
numpy buffers; what they give must equal what the csv module's path gives, to the byte,
however the table is cut into blocks and chunks, and bad input must stop where it stops.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maturity_model import _cli_wide, _table_arrow
from maturity_model._arrow_arrays import indices, numbers, repeated, texts
from maturity_model._table_arrow import read_ahead
from maturity_model.cli import main

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

DATA = Path(__file__).parent / "data"
MODEL_FILE = DATA / "valid-model.yaml"
IDS = ["cm.vcs.1.1", "cm.vcs.2.1", "cm.vcs.3.1", "build.ci.1.1", "build.ci.2.1"]
CELLS = ["yes", "no", "0.5", "n/a", "", "Some", "All"]
SRC = str(Path(__file__).resolve().parents[1] / "src")


def quietly(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def table(path: Path, rows: int, *, seed: int = 3) -> Path:
    rng = np.random.default_rng(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["subject", *IDS])
        for r in range(rows):
            writer.writerow([f"team-{r}", *(CELLS[k] for k in rng.integers(0, 5, len(IDS)))])
    return path


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """pyarrow parses 1 KiB at a time and Parquet row groups hold 7 rows."""
    monkeypatch.setattr(_table_arrow, "BLOCK_BYTES", 1 << 10)
    monkeypatch.setattr(_cli_wide, "GROUP_ROWS", 7)


def test_the_arrow_path_does_not_import_pandas(tmp_path: Path) -> None:
    source = table(tmp_path / "teams.csv", 50)
    pq.write_table(pa.table({"subject": ["a", None], "cm.vcs.1.1": ["yes", None]}),
                   tmp_path / "teams.parquet")
    script = (
        "import sys\n"
        "from maturity_model.cli import main\n"
        f"a = main(['score', {str(MODEL_FILE)!r}, {str(source)!r}, '--reader', 'arrow',"
        f" '-q', '-o', {str(tmp_path / 'out.parquet')!r}])\n"
        f"b = main(['score', {str(MODEL_FILE)!r}, {str(tmp_path / 'teams.parquet')!r}, '-q',"
        f" '--wide', '-o', {str(tmp_path / 'out.csv')!r}])\n"
        "print(a, b, 'pandas' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={"PYTHONPATH": SRC}, check=False, timeout=120)
    assert done.stdout.split() == ["0", "0", "False"], done.stderr
    assert len(pq.read_table(tmp_path / "out.parquet")) == 50


@pytest.mark.usefixtures("small_blocks")
def test_parquet_output_is_the_same_bytes_from_either_reader(tmp_path: Path) -> None:
    source = table(tmp_path / "teams.csv", 40)
    for reader in ("stdlib", "arrow"):
        assert quietly("score", MODEL_FILE, source, "--reader", reader, "-q",
                       "-o", tmp_path / f"{reader}.parquet") == (0, "", "")
    fast = (tmp_path / "arrow.parquet").read_bytes()
    assert fast == (tmp_path / "stdlib.parquet").read_bytes()
    assert pq.ParquetFile(tmp_path / "arrow.parquet").metadata.num_row_groups == 6  # 40 / 7
    got = pq.read_table(tmp_path / "arrow.parquet")
    assert got.column("subject").to_pylist() == [f"team-{r}" for r in range(40)]
    assert set(got.column("model").to_pylist()) == {"mini-cd"}
    assert got.column("date").null_count == 40


@pytest.mark.usefixtures("small_blocks")
def test_an_empty_result_still_writes_a_parquet_schema(tmp_path: Path) -> None:
    source = tmp_path / "teams.csv"
    source.write_text("subject,cm.vcs.1.1\na,\n")
    assert quietly("score", MODEL_FILE, source, "--reader", "arrow", "-q",
                   "-o", tmp_path / "out.parquet")[0] == 0
    written = pq.read_table(tmp_path / "out.parquet")
    assert len(written) == 1
    assert written.schema.field("mini-cd.level").type == pa.int16()


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("form", [["--wide"], []])
def test_bad_rows_over_many_blocks_read_as_the_csv_module_reads_them(
        tmp_path: Path, form: list[str]) -> None:
    source = table(tmp_path / "teams.csv", 120)
    lines = source.read_bytes().split(b"\n")
    lines[30] += b",extra"  # a ragged row in an early block
    lines[77] = b"team-bad,yes,no,maybe,,"  # a bad cell
    lines[101] = b"team-\xff,yes,no,,,"  # not UTF-8: the table stops here
    source.write_bytes(b"\n".join(lines))
    outcomes = []
    for reader in ("stdlib", "arrow"):
        out = tmp_path / f"{reader}.csv"
        code, _, err = quietly("score", MODEL_FILE, source, "--reader", reader, "-q",
                               "--format", "csv", "-o", out, *form)
        # each line: the file and row, then the code (the wording of a bad byte differs)
        named = [(line.split(": ")[2], line.rsplit(" ", 1)[1]) for line in err.splitlines()]
        outcomes.append((code, named, out.read_bytes()))
    assert outcomes[0] == outcomes[1]
    code, named, written = outcomes[1]
    assert code == 1
    assert named == [(f"{source}:31", "[ragged-row]"), (f"{source}:78", "[invalid-value]"),
                     (f"{source}:102", "[bad-encoding]")]
    if form:
        assert written.count(b"\n") == 1 + 100 - 3 + 1  # header, rows 2-101 but three


def test_read_ahead_stops_its_thread_when_closed_early() -> None:
    produced: list[int] = []

    def items() -> Iterator[int]:
        for k in range(1000):
            produced.append(k)
            yield k

    before = threading.active_count()
    ahead = read_ahead(items(), depth=2)
    assert [next(ahead), next(ahead)] == [0, 1]
    ahead.close()
    assert threading.active_count() == before
    assert len(produced) <= 5  # two taken, two waiting, one in hand


def test_read_ahead_raises_what_the_producer_raised_after_what_it_gave() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise KeyError("gone")

    got: list[int] = []
    with pytest.raises(KeyError, match="gone"):
        got.extend(read_ahead(items()))
    assert got == [1, 2]


OPTIONAL_TEXT = st.one_of(st.none(), st.text(max_size=6))


@settings(max_examples=60)
@given(cells=st.lists(OPTIONAL_TEXT, max_size=20))
def test_texts_builds_what_pyarrow_builds(cells: list[str | None]) -> None:
    assert texts(cells).equals(pa.array(cells, pa.string()))


@settings(max_examples=60)
@given(values=st.lists(st.one_of(st.floats(allow_nan=True), st.just(math.nan)), max_size=20),
       text=st.text(max_size=5), count=st.integers(0, 9))
def test_numbers_and_repeated_build_what_pyarrow_builds(
        values: list[float], text: str, count: int) -> None:
    array = np.array(values, dtype=np.float64)
    assert numbers(array, np.isnan(array)).equals(pa.array(array, mask=np.isnan(array)))
    levels = np.array([-1 if math.isnan(v) else 2 for v in values], dtype=np.int16)
    assert numbers(levels, levels < 0, pa.int16()).equals(
        pa.array(levels, pa.int16(), mask=levels < 0))
    assert repeated(text, count).equals(pa.array([text] * count, pa.string()))


@settings(max_examples=60)
@given(cells=st.lists(st.one_of(st.none(), st.integers(-5, 300)), max_size=40),
       start=st.integers(0, 10), width=st.sampled_from(["int8", "int16", "int32", "int64"]))
def test_indices_read_integer_buffers_with_nulls_and_offsets(
        cells: list[int | None], start: int, width: str) -> None:
    kind = getattr(pa, width)()
    limit = np.iinfo(np.dtype(width)).max
    cells = [None if c is None else min(c, int(limit)) for c in cells]
    array = pa.array(cells, kind).slice(start)
    want = [-1 if c is None else c for c in cells[start:]]
    assert indices(array).tolist() == want
    assert indices(array).dtype == np.intp


def test_a_chunk_keeps_only_the_cells_it_holds_of_a_parquet_dictionary() -> None:
    whole = pa.array(["a", "b", "c", "d", "b"]).dictionary_encode()
    chunk = whole.slice(3, 2)  # "d", "b": the dictionary still holds all four
    uniques, codes = _table_arrow.encode_column(pa, chunk)
    assert [uniques[c] for c in codes.tolist()] == ["d", "b"]
    assert sorted(uniques) == ["b", "d"]
