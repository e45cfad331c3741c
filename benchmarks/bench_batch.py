"""The compiled batch engine against the object API and against one pass over the answers.

Run: ``python benchmarks/bench_batch.py [ROWS]`` (default 100,000). Prints a table; every
ratio is measured in this one run, so compare ratios across machines, not seconds.

The workload of the scale issue: ROWS assessments × 1,000 practices (float32 answers in
{0, 0.25, 0.5, 0.75, 1}, 5 % unknown), 100 staircase items (threshold 0.8) of 10
practices over levels 1-5, in 10 domains alternating ``mean`` and ``minimum``.

- batch, warm: best of 3 calls of ``compiled.score(values, coverage=False)``; cold: the
  first call in the process (fresh output pages, allocator warm-up).
- floor: ``values.sum(axis=1)``, one pass over the same answers, which every engine pays.
- object API: ``mm.score`` in a loop on a sample of rows (answers already converted to
  assessments), scaled to ROWS.
- dense product: ``values @ W`` with the (practices × item-levels) incidence matrix, the
  generic numpy way to get the per-level sums alone.
- memory: tracemalloc peak of one call beyond its input and output; and a stream of
  1,000,000 assessments through ``score_iter`` in chunks of 10,000, each a fresh copy
  (peak against one chunk's input plus its output).
"""

from __future__ import annotations

import platform
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import maturity_model as mm
from maturity_model import batch

PRACTICES_PER_ITEM = 10
ITEMS_PER_DOMAIN = 10


def workload_model(practices: int = 1_000) -> mm.MaturityModel:
    items = practices // PRACTICES_PER_ITEM
    domains = []
    for d in range(items // ITEMS_PER_DOMAIN):
        domain_items = [mm.CapabilityItem(id=f"d{d}.i{i}", practices=[
            mm.Practice(id=f"d{d}.i{i}.p{k}", level=1 + k // 2)
            for k in range(PRACTICES_PER_ITEM)]) for i in range(ITEMS_PER_DOMAIN)]
        domains.append(mm.Domain(id=f"d{d}", items=domain_items,
                                 rule=mm.Mean() if d % 2 == 0 else mm.Minimum()))
    return mm.MaturityModel(id="bench", scale=mm.LevelScale.range(1, 5),
                            rules=mm.ModelRules(item=mm.Staircase(threshold=0.8),
                                                domain=mm.Mean()),
                            domains=domains)


def answers(rows: int, practices: int, seed: int) -> np.ndarray[Any, np.dtype[np.float32]]:
    rng = np.random.default_rng(seed)
    values = (rng.integers(0, 5, size=(rows, practices), dtype=np.int8) / 4).astype(np.float32)
    values[rng.random((rows, practices)) < 0.05] = np.nan
    return values


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def once(fn: Callable[[], object]) -> float:
    return best_of(fn, 1)


def peak_of(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    model = workload_model()
    compiled = batch.compile(model)
    n_practices, n_nodes = len(compiled.practice_ids), len(compiled.node_ids)
    values = answers(rows, n_practices, seed=1)
    table: list[tuple[str, str, str]] = []

    cold = once(lambda: compiled.score(values, coverage=False))
    warm = best_of(lambda: compiled.score(values, coverage=False), 3)
    with_coverage = best_of(lambda: compiled.score(values), 3)
    floor = best_of(lambda: values.sum(axis=1), 3)

    sample = 200
    cases = [mm.Assessment(model="bench", answers={
        pid: float(v) for pid, v in zip(compiled.practice_ids, row.tolist(), strict=True)
        if not np.isnan(v)}) for row in values[:sample]]
    mm.score(model, cases[0])  # warm the model's caches, as a service would
    per_object = best_of(lambda: [mm.score(model, a) for a in cases], 2) / sample
    objects = per_object * rows

    incidence = np.zeros((n_practices, len(model.items()) * 5), dtype=np.float32)
    for j, practice in enumerate(model.practices()):
        incidence[j, (j // PRACTICES_PER_ITEM) * 5 + practice.level - 1] = 1.0
    filled = np.nan_to_num(values)
    dense = best_of(lambda: filled @ incidence, 2)

    # Equal answers from both engines on the sample, as a guard on what is timed.
    result = compiled.score(values[:sample])
    for k, assessment in enumerate(cases[:20]):
        expected = mm.score(model, assessment)
        assert result.levels[k, 0] == expected.overall.level
        assert abs(result.scores[k, 0] - (expected.overall.score or 0.0)) < 1e-9

    table.append((f"batch, {rows:,} × {n_practices:,}, warm", f"{warm * 1e3:,.0f} ms",
                  f"{rows / warm:,.0f} assessments/s"))
    table.append(("batch, same, first call in the process", f"{cold * 1e3:,.0f} ms", ""))
    table.append(("batch, same, with per-level coverage", f"{with_coverage * 1e3:,.0f} ms",
                  ""))
    table.append(("floor: values.sum(axis=1)", f"{floor * 1e3:,.1f} ms",
                  f"batch is {warm / floor:.1f}× the floor"))
    table.append((f"object API loop (sample of {sample}, scaled)", f"{objects:,.1f} s",
                  f"batch is {objects / warm:,.0f}× faster"))
    table.append(("dense product with the incidence matrix (sums only)",
                  f"{dense * 1e3:,.0f} ms", f"{dense / floor:.0f}× the floor"))

    output = rows * n_nodes * (8 + 2)
    peak = peak_of(lambda: compiled.score(values, coverage=False))
    table.append(("memory: one call, peak beyond input and output",
                  f"{(peak - output) / 2**20:,.1f} MiB",
                  f"input {values.nbytes / 2**20:,.0f} MiB, output {output / 2**20:,.0f} MiB"))

    stream_rows, chunk = 1_000_000, 10_000
    # Four distinct chunks made before measuring; each one streamed is a fresh copy, as a
    # chunk read from a file would be, so the peak is the engine's, not the generator's.
    pool = [answers(chunk, n_practices, seed=100 + k) for k in range(4)]

    def stream() -> Iterator[np.ndarray[Any, np.dtype[np.float32]]]:
        for k in range(stream_rows // chunk):
            yield pool[k % len(pool)].copy()

    def consume() -> None:
        for scored in compiled.score_iter(stream(), coverage=False):
            scored.levels[:, 0].max()

    chunk_io = chunk * n_practices * 4 + chunk * n_nodes * 10
    stream_peak = peak_of(consume)
    stream_time = once(consume)
    table.append((f"stream {stream_rows:,} assessments in chunks of {chunk:,}",
                  f"{stream_time:,.1f} s", f"peak {stream_peak / 2**20:,.0f} MiB = "
                  f"{stream_peak / chunk_io:.1f}× one chunk's input + output"))

    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, {platform.system()}")
    width = max(len(name) for name, _, _ in table)
    for name, value, note in table:
        print(f"{name:<{width}}  {value:>12}  {note}")


if __name__ == "__main__":
    main()
