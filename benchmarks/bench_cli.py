"""``maturity score MODEL answers.csv`` end to end: rows per second, by path.

Run: ``python benchmarks/bench_cli.py [ROWS]`` (default 50,000). Prints a table; every
path is measured in this one run on the same table, so compare ratios across machines.

The workload: ROWS assessments of the bundled CAICT DevOps CD model (335 practices, 71
nodes), one column per practice, cells drawn from ``yes``, ``no``, ``0.5``, ``n/a`` and
empty, a ``subject`` column. Each path runs the real command in this process (``main``),
reading the file and writing its output to a temporary folder, with the model loaded and
pyarrow imported once before (a newcomer's first run pays those: see the fresh-process
lines):

- stdlib / long CSV: the csv module's reader, one output row per node (the default);
- stdlib / wide CSV: the csv module's reader, ``--wide`` (one row per assessment);
- arrow / Parquet: ``--reader arrow -o out.parquet`` (extra ``arrow``);
- arrow / wide CSV: ``--reader arrow --wide``;
- Parquet in / Parquet out: the same table as a Parquet file (text columns, empty cells
  null), ``-o out.parquet``;
- fresh process: ``python -m maturity_model score ...`` as a new process, imports, model
  load and all, for the arrow / Parquet and the stdlib / wide CSV paths (CPU seconds of
  the child);
- per cell (baseline): what ``maturity score`` did before tables were resolved by column,
  an Assessment per row scored by ``mm.score``, on a sample of rows.

The fast in-process paths are timed three times and the best run kept (the others once).
The kernel line is ``compiled.score`` alone on the resolved arrays (with the per-node
answer counts the long CSV needs, and without), the floor every path pays. The last
column divides by CPU seconds instead of wall seconds: on a machine shared with other
work it is the steadier figure; the reading thread of ``--reader arrow`` counts in it, so
there it can be lower than the wall figure (the baseline is timed by the wall clock only).
"""

from __future__ import annotations

import contextlib
import csv
import io
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import maturity_model as mm
from maturity_model import batch
from maturity_model._answer_cells import text_answer
from maturity_model.cli import main

MODEL = "caict-devops-cd"
CELLS = ["yes", "no", "0.5", "n/a", ""]
BASELINE_ROWS = 300


def write_table(path: Path, rows: int, ids: list[str]) -> None:
    rng = np.random.default_rng(7)
    picks = rng.choice(len(CELLS), size=(rows, len(ids)), p=[0.4, 0.25, 0.15, 0.1, 0.1])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["subject", *ids])
        for r in range(rows):
            writer.writerow([f"team-{r}", *(CELLS[k] for k in picks[r])])


def timed(*args: str, best_of: int = 1) -> tuple[float, float]:
    """Wall and CPU seconds of a run (the CPU figure holds on a busy machine); the best."""
    runs = []
    for _ in range(best_of):
        sink = io.StringIO()
        start, cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            code = main(["score", MODEL, *args, "--quiet"])
        runs.append((time.perf_counter() - start, time.process_time() - cpu))
        if code != 0:
            raise SystemExit(f"maturity score {' '.join(args)} exited {code}: "
                             f"{sink.getvalue()}")
    return min(runs)


def fresh(*args: str) -> tuple[float, float]:
    """Wall and CPU seconds of ``python -m maturity_model score MODEL ARGS`` as a new
    process."""
    env_src = str(Path(__file__).resolve().parents[1] / "src")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "maturity_model", "score", MODEL, *args,
                           "--quiet"], capture_output=True, text=True, check=False,
                          env={"PYTHONPATH": env_src, "PATH": "/usr/bin:/bin"})
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"python -m maturity_model score {' '.join(args)} exited "
                         f"{done.returncode}: {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def parquet_copy(table: Path, target: Path) -> None:
    """The table as Parquet, text columns with empty cells null (in a child process, so
    this one imports nothing the command would not)."""
    code = ("import sys, pyarrow as pa, pyarrow.csv as c, pyarrow.parquet as q\n"
            "t = c.read_csv(sys.argv[1], convert_options=c.ConvertOptions("
            "null_values=[''], strings_can_be_null=True))\n"
            "t = t.cast(pa.schema([pa.field(f.name, pa.string()) for f in t.schema]))\n"
            "q.write_table(t, sys.argv[2])\n")
    subprocess.run([sys.executable, "-c", code, str(table), str(target)], check=True)


def baseline(table: Path, model: mm.MaturityModel) -> float:
    """Seconds per row of the per-cell path: an Assessment per row, mm.score each."""
    with table.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        sample = [next(reader) for _ in range(BASELINE_ROWS)]
    start = time.perf_counter()
    for row in sample:
        subject = row.pop("subject")
        answers = {k: text_answer(v) for k, v in row.items() if v}
        mm.score(model, mm.Assessment(model=model.id, subject=subject, answers=answers))
    return (time.perf_counter() - start) / len(sample)


def main_bench() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    model = mm.standards.load(MODEL)
    compiled = batch.compile(model)
    ids = list(compiled.practice_ids)
    print(f"# maturity score {MODEL} answers.csv: {rows:,} rows x {len(ids)} practices, "
          f"{len(compiled.node_ids)} nodes; Python {platform.python_version()}, "
          f"numpy {np.__version__}")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        table = tmp / "answers.csv"
        write_table(table, rows, ids)
        mib = table.stat().st_size / 2**20
        print(f"# table: {mib:.1f} MiB")
        results = [
            ("stdlib / long CSV", timed(str(table), "-o", str(tmp / "long.csv"))),
            ("stdlib / wide CSV", timed(str(table), "--wide", "-o", str(tmp / "wide.csv"))),
        ]
        try:
            import pyarrow.csv  # noqa: F401
        except ImportError:
            print("# pyarrow is not installed: the arrow paths are skipped")
        else:
            parquet_in = tmp / "answers.parquet"
            parquet_copy(table, parquet_in)
            results += [
                ("arrow / Parquet", timed(str(table), "--reader", "arrow", "-o",
                                          str(tmp / "out.parquet"), best_of=3)),
                ("arrow / wide CSV", timed(str(table), "--reader", "arrow", "--wide", "-o",
                                           str(tmp / "wide2.csv"), best_of=3)),
                ("Parquet in / Parquet out", timed(str(parquet_in), "-o",
                                                   str(tmp / "out2.parquet"), best_of=3)),
                ("fresh process, arrow / Parquet", fresh(
                    str(table), "--reader", "arrow", "-o", str(tmp / "out3.parquet"))),
            ]
            if (tmp / "wide.csv").read_bytes() != (tmp / "wide2.csv").read_bytes():
                raise SystemExit("the arrow reader's output differs from the csv module's")
            if (tmp / "out.parquet").read_bytes() != (tmp / "out2.parquet").read_bytes():
                raise SystemExit("Parquet from Parquet differs from Parquet from CSV")
        results.append(("fresh process, stdlib / wide", fresh(
            str(table), "--wide", "-o", str(tmp / "wide3.csv"))))
        per_row = baseline(table, model)
        values = np.random.default_rng(1).choice([0.0, 0.5, 1.0, np.nan],
                                                 size=(rows, len(ids)))
        kernel_counts = _clocked(lambda: compiled.score(values, coverage=False, counts=True))
        kernel = _clocked(lambda: compiled.score(values, coverage=False))
    print(f"{'path':<32}{'seconds':>10}{'rows/s':>12}{'x baseline':>12}{'cpu rows/s':>12}")
    for name, (seconds, cpu) in [*results,
                                 ("per cell (baseline)", (per_row * rows, per_row * rows)),
                                 ("kernel alone, counts", kernel_counts),
                                 ("kernel alone", kernel)]:
        rate = rows / seconds
        print(f"{name:<32}{seconds:>10.2f}{rate:>12,.0f}{rate * per_row:>12.1f}"
              f"{rows / cpu:>12,.0f}")


def _clocked(fn: Callable[[], object]) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


if __name__ == "__main__":
    main_bench()
