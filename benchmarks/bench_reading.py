"""Hostile inputs against the readers' limits, each beside a plain parse of the same bytes.

Run: ``python benchmarks/bench_reading.py``. Prints a table: how long each reader takes to
read or refuse an input built to be slow (a 2 MB flat mapping, a 2 MB list model, alias
bombs in every YAML collection type, an endless device), next to what the bare parser
(PyYAML's C loader, or a plain ``read``) takes on the same input in the same run. The
tests check what happens to each input; this script shows how long it takes.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import maturity_model as mm
from maturity_model.serialization import Limits, loads_model, parse_text, read_bounded


def _seconds(run: Callable[[], Any]) -> float:
    start = time.perf_counter()
    with contextlib.suppress(mm.ValidationError):
        run()
    return time.perf_counter() - start


def _bare_yaml(text: str) -> Callable[[], Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return lambda: yaml.load(text, Loader=loader)


def _bomb(kind: str) -> str:
    if kind == "map":
        def level(n: int) -> str:
            return "{" + ", ".join(f"k{i}: *l{n - 1}" for i in range(9)) + "}"
    elif kind == "omap":
        def level(n: int) -> str:
            return "!!omap [" + ", ".join(f"k{i}: *l{n - 1}" for i in range(9)) + "]"
    else:
        def level(n: int) -> str:
            return "!!pairs [" + ", ".join(f"k{i}: *l{n - 1}" for i in range(9)) + "]"
    return "\n".join(["l0: &l0 [x]"] + [f"l{n}: &l{n} {level(n)}" for n in range(1, 10)])


def _plain_read(path: str, size: int) -> bytes:
    with Path(path).open("rb") as handle:
        return handle.read(size)


def main() -> None:
    flat = "{" + ", ".join(f"a{i}: 1" for i in range(200_000)) + "}"
    listed = "id: m\ndomains: [" + ", ".join("1" for _ in range(700_000)) + "]"
    rows: list[tuple[str, float, str, float | None]] = [
        ("2.1 MB flat mapping, read", _seconds(lambda: parse_text(flat, "yaml")),
         "bare C loader", _seconds(_bare_yaml(flat))),
        ("2.1 MB list as a model, refused", _seconds(lambda: loads_model(listed)),
         "bare C loader", _seconds(_bare_yaml(listed))),
    ]
    for kind in ("map", "omap", "pairs"):
        text = _bomb(kind)
        rows.append((f"alias bomb of 9**10 values ({kind}), refused",
                     _seconds(lambda text=text: parse_text(text, "yaml")),  # type: ignore[misc]
                     "bare loader (aliases shared, not expanded)",
                     _seconds(_bare_yaml(text))))
    rows.append(("/dev/zero as a model, refused at 64 MiB",
                 _seconds(lambda: read_bounded("/dev/zero", Limits())),
                 "plain read of 64 MiB",
                 _seconds(lambda: _plain_read("/dev/zero", 64 * 1024 * 1024))))
    print("| input | ours | baseline | baseline time |")
    print("|---|---:|---|---:|")
    for name, ours, baseline, theirs in rows:
        print(f"| {name} | {ours * 1000:,.1f} ms | {baseline} | "
              f"{'' if theirs is None else f'{theirs * 1000:,.1f} ms'} |")


if __name__ == "__main__":
    main()
