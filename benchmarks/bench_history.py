"""A large history through the batch engine: SUBJECTS subjects × DATES dated assessments.

Run: ``python benchmarks/bench_history.py [SUBJECTS] [DATES]`` (default 10,000 × 10 on the
bundled CAICT Continuous Delivery model, 335 practices, 71 nodes). Prints a table; the
machine's load moves the seconds, so read them against each other in one run.

The workload: each subject starts with 30 % of its practices met; at each quarterly
assessment 10 % of the unmet ones become met and 1 % of the met ones fall back (so there
are some regressions, as in real data). Answers are generated before the clock starts.

- score: ``compiled.score(values, coverage=False, counts=False)``, all rows at once;
- history: ``History.from_batch(result, subjects, dates)`` (sorting, tie and version
  checks; no profile is built);
- as_of: every subject's latest profile by a date in the middle (profiles are built lazily:
  their results are computed when first read);
- queries: ``series``, ``first_reached`` and ``velocity`` of the model root for 1,000
  subjects;
- regressions: every node that fell, over the whole history;
- to_frame: the long table (subjects × dates × nodes rows).

The budget of the history issue is score + history + as_of under 2 s. The ``cpu s``
column is the process's CPU time: on a shared machine it moves less than the wall clock.
"""

from __future__ import annotations

import datetime
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import maturity_model as mm

BUDGET = 2.0


def answers(subjects: int, dates: int, practices: int, seed: int = 7) -> Any:
    rng = np.random.default_rng(seed)
    state = rng.random((subjects, practices)) < 0.3
    out = np.empty((subjects, dates, practices), dtype=np.float32)
    for d in range(dates):
        state |= rng.random((subjects, practices)) < 0.1
        state &= ~(rng.random((subjects, practices)) < 0.01)
        out[:, d, :] = state
    return out.reshape(subjects * dates, practices)


def timed(label: str, rows: list[tuple[str, float, float]], run: Any) -> Any:
    started, cpu = time.perf_counter(), time.process_time()
    value = run()
    rows.append((label, time.perf_counter() - started, time.process_time() - cpu))
    return value


def main(subjects: int = 10_000, dates: int = 10) -> None:
    model = mm.standards.load("caict-devops-cd")
    compiled = mm.batch.compile(model)
    values = answers(subjects, dates, len(compiled.practice_ids))
    names = [f"team-{s:05d}" for s in range(subjects) for _ in range(dates)]
    start = datetime.date(2022, 1, 1)
    days = [start + datetime.timedelta(days=91 * d) for _ in range(subjects)
            for d in range(dates)]
    middle = start + datetime.timedelta(days=91 * (dates // 2))
    rows: list[tuple[str, float, float]] = []
    result = timed("score", rows, lambda: compiled.score(values, coverage=False, counts=False))
    history = timed("history", rows, lambda: mm.History.from_batch(result, names, days))
    latest = timed("as_of", rows, lambda: history.as_of(middle))
    sample = history.subjects[:1000]
    timed("queries (1,000 subjects)", rows, lambda: [
        (history.series(s, model.id), history.first_reached(s, model.id, 2),
         history.velocity(s)) for s in sample])
    fell = timed("regressions", rows, history.regressions)
    frame = timed("to_frame", rows, history.to_frame)
    budget = sum(seconds for label, seconds, _ in rows if label in ("score", "history", "as_of"))
    cpu_budget = sum(cpu for label, _, cpu in rows if label in ("score", "history", "as_of"))
    print(f"# bench_history: {subjects:,} subjects × {dates} dates = {len(history):,} "
          f"assessments; {model.id} {model.version} ({len(compiled.practice_ids)} practices, "
          f"{len(compiled.node_ids)} nodes); Python {platform.python_version()}, "
          f"numpy {np.__version__}")
    print(f"{'step':<26} {'seconds':>8} {'cpu s':>8}")
    for label, seconds, cpu in rows:
        print(f"{label:<26} {seconds:>8.3f} {cpu:>8.3f}")
    print(f"{'score + history + as_of':<26} {budget:>8.3f} {cpu_budget:>8.3f}  "
          f"(the {BUDGET:.0f} s budget: wall {'within' if budget < BUDGET else 'OVER'}, "
          f"cpu {'within' if cpu_budget < BUDGET else 'OVER'})")
    print(f"# {len(latest):,} latest profiles, {len(fell):,} regressions, "
          f"frame {frame.shape[0]:,} × {frame.shape[1]}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
