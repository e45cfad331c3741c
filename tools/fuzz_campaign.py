"""A long fuzzing campaign against the loaders; prints what it tried and what came out.

Run: ``python tools/fuzz_campaign.py --inputs 1000000 [--seed 1]``. Each input is a valid
model, assessment or profile document broken by a few random mutations (deleted keys, wrong
types, huge and non-finite numbers, empty and control-character strings, duplicated list
entries, long ids), or random text. Every input must load or raise the library's own
ValidationError with coded problems; anything else is printed and counted as a crash.
"""

from __future__ import annotations

import argparse
import collections
import copy
import json
import random
import sys
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzzing import NASTY_SCALARS, paths

import maturity_model as mm
from maturity_model.errors import PROBLEM_CODES
from maturity_model.serialization import (
    assessment_from_dict,
    model_from_dict,
    parse_text,
    profile_from_dict,
    profile_to_dict,
    read_document,
)

DATA = ROOT / "tests" / "data"


def random_value(rnd: random.Random, depth: int = 0) -> Any:
    roll = rnd.random()
    if depth < 2 and roll < 0.1:
        return [random_value(rnd, depth + 1) for _ in range(rnd.randrange(4))]
    if depth < 2 and roll < 0.2:
        return {rnd.choice(["id", "kind", "level", "x", ""]): random_value(rnd, depth + 1)
                for _ in range(rnd.randrange(4))}
    if roll < 0.6:
        return copy.deepcopy(rnd.choice(NASTY_SCALARS))
    if roll < 0.8:
        return rnd.choice([rnd.randint(-10, 10), rnd.uniform(-2, 2), 10 ** rnd.randint(0, 400)])
    return "".join(chr(rnd.randrange(0, 0x3000)) for _ in range(rnd.randrange(12)))


def mutate(doc: Any, rnd: random.Random) -> Any:
    doc = copy.deepcopy(doc)
    for _ in range(rnd.randint(1, 4)):
        candidates = [p for p in paths(doc) if p]
        if not candidates:
            break
        path = rnd.choice(candidates)
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        action = rnd.choice(["delete", "replace", "replace", "add", "duplicate"])
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = random_value(rnd)
        elif action == "add" and isinstance(parent, dict):
            parent[rnd.choice(["weight", "rule", "requires", "zz", "level"])] = random_value(rnd)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return doc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    model_doc = read_document(DATA / "valid-model.yaml")
    assessment_doc = read_document(DATA / "valid-assessment.yaml")
    model = mm.load_model(DATA / "valid-model.yaml")
    profile_doc = json.loads(json.dumps(profile_to_dict(
        mm.score(model, mm.load_assessment(DATA / "valid-assessment.yaml")))))
    targets = [("model", model_doc, model_from_dict), ("assessment", assessment_doc,
                                                        assessment_from_dict),
               ("profile", profile_doc, profile_from_dict)]
    outcomes: collections.Counter[str] = collections.Counter()
    crashes = 0
    start = time.perf_counter()
    for n in range(args.inputs):
        kind, base, loader = targets[n % 3]
        if n % 10 == 9:
            kind = "text"
            text = "".join(rnd.choice("{}[]:,-#&*!|>'\" \n\tabc019.") for _ in range(60))
            try:
                doc = parse_text(text, rnd.choice(["yaml", "json", "toml"]))
            except mm.ValidationError:
                outcomes["text: unparsable"] += 1
                continue
            loader = model_from_dict
        else:
            doc = mutate(base, rnd)
        try:
            loaded = loader(doc)
            if kind == "assessment":
                mm.score(model, loaded)
            outcomes[f"{kind}: loaded"] += 1
        except mm.ValidationError as err:
            if not err.problems or any(p.code not in PROBLEM_CODES or not p.path.startswith("$")
                                       for p in err.problems):
                crashes += 1
                print(f"input {n}: malformed problems {err.problems!r}")
            for code in sorted({p.code for p in err.problems}):
                outcomes[f"{kind}: {code}"] += 1
        except Exception:  # the campaign reports every stray exception
            crashes += 1
            outcomes[f"{kind}: CRASH"] += 1
            print(f"input {n} ({kind}) crashed:\n{json.dumps(doc, default=repr)[:500]}")
            traceback.print_exc()
        if n and n % 100_000 == 0:
            print(f"... {n} inputs, {crashes} crashes, {time.perf_counter() - start:.0f}s",
                  flush=True)
    print(f"\n{args.inputs} inputs in {time.perf_counter() - start:.1f}s, seed {args.seed}")
    for outcome, count in sorted(outcomes.items()):
        print(f"  {outcome:<40} {count:>9}")
    print(f"crashes: {crashes}")
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
