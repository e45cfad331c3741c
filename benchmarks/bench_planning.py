"""Plan a roadmap on a large model, and rank a large cohort, next to plain baselines.

Run: ``python benchmarks/bench_planning.py``. Prints a table; each row is measured in one
run against a straightforward implementation, so the ratio is what to compare across
machines.

- plan: ``plan(model, profile, target)`` on the synthetic model of ``bench_core`` (10,000
  practices, 30,000 dependency edges; target: under 200 ms), with the model's graph
  caches warm (as a service holding the model would) and cold (a fresh model object).
  Baseline: a plain reading of DESIGN §2 — one search for the unmet prerequisites, then
  waves found round by round (a practice joins the first round in which all of its
  direct prerequisites are met or placed).
- cohort: ``Cohort(profiles)`` of 10,000 profiles and every subject's percentile at every
  node (target: under 1 s). Baseline: pure Python, sorting each node's scores and
  bisecting for every subject.
"""

from __future__ import annotations

import bisect
import math
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_core import synthetic_model_doc

import maturity_model as mm
from maturity_model.cohort import Cohort
from maturity_model.graph import requirement_map, topological_order
from maturity_model.planning import Target, gap, plan
from maturity_model.serialization import model_from_dict


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


# --------------------------------------------------------------------------- planning


def plain_plan(model: mm.MaturityModel, profile: mm.Profile,
               target: Target) -> list[list[str]]:
    """Waves by rounds: the straightforward reading of "the first wave after all of its
    prerequisites"."""
    the_gap = gap(profile, target)
    requirements = requirement_map(model)
    values = profile.practices

    def unmet(pid: str) -> bool:
        value = values[pid].value
        return value is not None and value < 1.0

    needed: set[str] = set()
    seen: set[str] = set()
    stack = list(the_gap.practices)
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        if unmet(pid):
            needed.add(pid)
        stack.extend(requirements[pid])
    position = {pid: i for i, pid in enumerate(requirements)}
    practices = {p.id: p for p in model.practices()}
    done = {pid for pid in requirements if pid not in needed}
    remaining = set(needed)
    waves: list[list[str]] = []
    while remaining:
        ready = [p for p in remaining if all(q in done for q in requirements[p])]
        ready.sort(key=lambda p: (practices[p].level, -practices[p].weight, position[p]))
        waves.append(ready)
        done.update(ready)
        remaining.difference_update(ready)
    return waves


def planning_rows() -> list[tuple[str, float, str, float]]:
    model = model_from_dict(synthetic_model_doc(10_000, 30_000))
    rnd = random.Random(5)
    answers = {p.id: rnd.choice([True, True, False, 0.5, "n/a", None])
               for p in model.practices()}
    profile = mm.score(model, mm.Assessment(model=model.id, answers=answers))
    rows = []
    for level in (3, 5):
        target = Target.uniform(level)
        roadmap = plan(model, profile, target)
        baseline = plain_plan(model, profile, target)
        assert sorted(roadmap.practices) == sorted(p for w in baseline for p in w)
        ours = best_of(lambda t=target: plan(model, profile, t), 5)  # type: ignore[misc]
        plain = best_of(lambda t=target: plain_plan(model, profile, t), 3)  # type: ignore[misc]
        rows.append((f"plan to level {level}: {len(roadmap)} practices, "
                     f"{len(roadmap.waves)} waves", ours, "rounds over edges", plain))

    def cold() -> None:
        fresh = attrs.evolve(model)  # a new object: no cached index, graph or order
        plan(fresh, profile, Target.uniform(5))

    def cold_plain() -> None:
        fresh = attrs.evolve(model)
        topological_order(fresh)  # the cycle check every roadmap needs
        plain_plan(fresh, profile, Target.uniform(5))

    rows.append(("plan to level 5, fresh model object", best_of(cold, 3),
                 "rounds over edges", best_of(cold_plain, 3)))
    return rows


# --------------------------------------------------------------------------- cohorts


def synthetic_profiles(count: int, *, seed: int = 7) -> list[mm.Profile]:
    """Profiles of a model of 5 domains of 4 items (26 nodes with the root)."""
    rnd = random.Random(seed)
    layout = [(f"d{d}", [f"d{d}.i{i}" for i in range(4)]) for d in range(5)]
    profiles = []
    for n in range(count):
        results = {"m": mm.Result(node_id="m", kind="model")}
        domain_scores = []
        for domain, items in layout:
            scores = []
            for item in items:
                score = None if rnd.random() < 0.05 else round(rnd.uniform(0, 5), 2)
                results[item] = mm.Result(node_id=item, kind="item", parent=domain,
                                          score=score,
                                          level=None if score is None else int(score))
                if score is not None:
                    scores.append(score)
            mean = sum(scores) / len(scores) if scores else None
            results[domain] = mm.Result(node_id=domain, kind="domain", parent="m",
                                        score=mean, level=None if mean is None else int(mean))
            if mean is not None:
                domain_scores.append(mean)
        overall = sum(domain_scores) / len(domain_scores)
        results["m"] = mm.Result(node_id="m", kind="model", score=overall,
                                 level=int(overall))
        profiles.append(mm.Profile(model_id="m", subject=f"team-{n}", results=results))
    return profiles


def plain_percentiles(profiles: list[mm.Profile]) -> dict[str, list[float | None]]:
    node_ids = list(profiles[0].results)
    ranks: dict[str, list[float | None]] = {}
    for node_id in node_ids:
        column = [p.results[node_id].score for p in profiles]
        ordered = sorted(s for s in column if s is not None)
        n = len(ordered)
        node_ranks: list[float | None] = []
        for s in column:
            if s is None:
                node_ranks.append(None)
                continue
            below = bisect.bisect_left(ordered, s - 1e-9)
            up_to = bisect.bisect_right(ordered, s + 1e-9)
            node_ranks.append(100.0 * (below + 0.5 * (up_to - below)) / n)
        ranks[node_id] = node_ranks
    return ranks


def cohort_rows() -> list[tuple[str, float, str, float]]:
    profiles = synthetic_profiles(10_000)

    def ours() -> dict[str, tuple[float | None, ...]]:
        cohort = Cohort(profiles)
        return {node_id: cohort.percentiles(node_id) for node_id in cohort.node_ids}

    got, expected = ours(), plain_percentiles(profiles)
    for node_id, ranks in expected.items():
        assert all(a == b or (a is not None and b is not None and math.isclose(a, b))
                   for a, b in zip(got[node_id], ranks, strict=True))
    rows = [("cohort of 10,000: every percentile, 26 nodes", best_of(ours, 3),
             "sort + bisect", best_of(lambda: plain_percentiles(profiles), 3))]

    cohort = Cohort(profiles)
    cohort.percentiles("d0.i0")  # build the node's sorted scores once
    by_subject = {p.subject: p for p in profiles if p.results["d0.i0"].score is not None}
    subjects = random.Random(1).sample(sorted(by_subject), 200)

    def one_each() -> None:
        for s in subjects:
            cohort.percentile(by_subject[s], "d0.i0")

    def naive_each() -> None:
        scores = [p.results["d0.i0"].score for p in profiles]
        assessed = [s for s in scores if s is not None]
        for s in subjects:
            x = by_subject[s].results["d0.i0"].score or 0.0
            below = sum(1 for t in assessed if t < x - 1e-9)
            equal = sum(1 for t in assessed if abs(t - x) <= 1e-9)
            _ = 100.0 * (below + 0.5 * equal) / len(assessed)

    rows.append(("200 single percentile() calls, warm", best_of(one_each, 3),
                 "count per call", best_of(naive_each, 1)))
    return rows


def main() -> None:
    rows = planning_rows() + cohort_rows()
    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"{platform.processor() or platform.platform()}")
    print(f"{'benchmark':<52} {'ours':>10} {'baseline':>18} {'time':>10} {'ratio':>7}")
    for name, ours_s, base_name, base_s in rows:
        print(f"{name:<52} {ours_s * 1000:>8.1f}ms {base_name:>18} {base_s * 1000:>8.1f}ms "
              f"{base_s / ours_s:>6.2f}x")


if __name__ == "__main__":
    main()
