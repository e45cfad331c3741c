"""``item@L`` requirements that stand for very many dependencies: checked, ordered, refused.

Run: ``python benchmarks/bench_dependencies.py``. Prints a table.

The workload is a fan: item ``big`` with N practices at level 1, item ``users`` with M
practices each requiring ``big@1``, so the requirements stand for N × M dependencies
once expanded. Below :data:`~maturity_model.validation.MAX_EXPANDED_REQUIREMENTS` the
model is checked and its practices ordered on the compact graph (one node per
``item@L``); above it, :func:`~maturity_model.check` refuses it before building anything.
Memory is the tracemalloc peak of the whole step.

Measured once on a 2-core machine: the 5,000 × 5,000 fan (25 million dependencies, a
343 KB file) took 89 s and 2.8 GB through ``maturity validate`` before the limit and the
compact graph, and is now refused in 0.7 s with 30 MB; the 1,000 × 1,000 fan went from
3.9 s and 160 MB to 0.4 s and 23 MB.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import maturity_model as mm
from maturity_model.graph import dependency_cycles, topological_order


def fan(big: int, users: int) -> mm.MaturityModel:
    """N practices in ``big``, M in ``users`` each requiring ``big@1``."""
    return mm.MaturityModel(id="fan", scale=mm.LevelScale.range(1, 2), domains=[
        mm.Domain(id="d", items=[
            mm.CapabilityItem(id="big", practices=[
                mm.Practice(id=f"b{i}", level=1) for i in range(big)]),
            mm.CapabilityItem(id="users", practices=[
                mm.Practice(id=f"u{i}", level=2, requires=["big@1"])
                for i in range(users)])])])


def measure(big: int, users: int) -> tuple[str, float, float]:
    model = fan(big, users)
    tracemalloc.start()
    start = time.perf_counter()
    errors = [p for p in mm.check(model) if p.severity == "error"]
    if not errors:
        dependency_cycles(model)
        topological_order(model)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    outcome = "refused" if errors else "checked + ordered"
    return outcome, seconds, peak


def main() -> None:
    print(f"{'fan':>13}  {'dependencies':>12}  {'outcome':<18}  {'seconds':>8}  {'MiB':>6}")
    for big, users in [(100, 100), (1000, 1000), (5000, 5000), (20000, 20000)]:
        outcome, seconds, peak = measure(big, users)
        print(f"{big:>6} x {users:<5}  {big * users:>12,}  {outcome:<18}  {seconds:>8.3f}  "
              f"{peak:>6.1f}")


if __name__ == "__main__":
    main()
