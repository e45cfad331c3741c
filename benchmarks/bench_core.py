"""Load + validate a large model, and score one assessment, next to plain baselines.

Run: ``python benchmarks/bench_core.py``. Prints a table; each row is measured in one run
against a straightforward implementation, so the ratio is what to compare across machines.

- load + validate: a synthetic model of 10,000 practices and 30,000 dependency edges
  (target: under 1 s on one core), against only parsing the same file (the floor every
  loader pays).
- score: one assessment of a 1,000-practice model with the object API (target: under
  5 ms), against the plain recursive reading of DESIGN §2 in tests/reference_scoring.py.
"""

from __future__ import annotations

import json
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import maturity_model as mm
from maturity_model.serialization import parse_text


def synthetic_model_doc(practices: int, edges: int, *, seed: int = 1) -> dict[str, Any]:
    """A model document with ``practices`` practices and about ``edges`` requires edges."""
    rnd = random.Random(seed)
    per_item = 10
    items_per_domain = 10
    n_items = practices // per_item
    ids: list[tuple[str, int]] = []
    domains = []
    for d in range(n_items // items_per_domain):
        items = []
        for i in range(items_per_domain):
            item_id = f"d{d}.i{i}"
            item_practices = []
            for k in range(per_item):
                level = 1 + k // 2
                pid = f"{item_id}.p{k}"
                item_practices.append({"id": pid, "level": level, "text": f"practice {pid}"})
                ids.append((pid, level))
            items.append({"id": item_id, "practices": item_practices})
        domains.append({"id": f"d{d}", "items": items})
    # Edges only point to earlier practices of a level not above: acyclic, no inversions.
    by_position = {pid: n for n, (pid, _) in enumerate(ids)}
    flat = [p for d in domains for it in d["items"] for p in it["practices"]]
    added = 0
    while added < edges:
        n = rnd.randrange(1, len(ids))
        m = rnd.randrange(0, n)
        if ids[m][1] > ids[n][1]:
            continue
        requires = flat[n].setdefault("requires", [])
        if ids[m][0] in requires:
            continue
        requires.append(ids[m][0])
        added += 1
    del by_position
    return {"format": "maturity-model/1", "id": "synthetic", "version": "1",
            "scale": [{"value": v, "name": f"L{v}"} for v in range(1, 6)], "domains": domains}


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rows: list[tuple[str, float, str, float]] = []
    doc = synthetic_model_doc(10_000, 30_000)
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".json", ".yaml"):
            path = Path(tmp) / f"model{suffix}"
            if suffix == ".json":
                path.write_text(json.dumps(doc))
            else:
                import yaml

                path.write_text(yaml.safe_dump(doc, sort_keys=False))
            text = path.read_text()
            fmt = "json" if suffix == ".json" else "yaml"
            ours = best_of(lambda p=path: mm.load_model(p), 3)
            floor = best_of(lambda t=text, f=fmt: parse_text(t, f), 3)  # type: ignore[misc]
            rows.append((f"load + validate 10k practices, 30k edges ({fmt})", ours,
                         "parse only", floor))

    small = synthetic_model_doc(1_000, 2_000, seed=2)
    from maturity_model.serialization import model_from_dict

    model = model_from_dict(small)
    rnd = random.Random(3)
    answers = {p.id: rnd.choice([True, False, 0.5, "n/a", None]) for p in model.practices()}
    assessment = mm.Assessment(model=model.id, answers=answers)
    mm.score(model, assessment)  # warm the model's caches, as a service would

    from tests import reference_scoring

    ours = statistics.median(best_of(lambda: mm.score(model, assessment), 5)
                             for _ in range(3))
    plain = best_of(lambda: reference_scoring.node_results(model, assessment), 1)
    rows.append(("score one assessment, 1,000 practices", ours, "plain reading of §2", plain))

    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"{platform.processor() or platform.platform()}")
    print(f"{'benchmark':<52} {'ours':>10} {'baseline':>22} {'time':>10} {'ratio':>7}")
    for name, ours_s, base_name, base_s in rows:
        print(f"{name:<52} {ours_s * 1000:>8.1f}ms {base_name:>22} {base_s * 1000:>8.1f}ms "
              f"{base_s / ours_s:>6.2f}x")


if __name__ == "__main__":
    main()
