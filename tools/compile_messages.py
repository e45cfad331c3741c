"""Compile the library's message catalogues: every ``.po`` under the locale folder to ``.mo``.

Run it after editing a ``.po`` (``python tools/compile_messages.py``); a test checks that
each shipped ``.mo`` holds exactly what its ``.po`` says. Written in plain Python, so no
gettext tools are needed: ``read_po`` parses the subset of the PO format the catalogues
use (msgctxt, msgid, msgid_plural, msgstr, msgstr[n], continued strings, comments,
``#, fuzzy`` entries left out, as msgfmt does), ``mo_bytes`` writes the GNU MO format.
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[1] / "src" / "maturity_model" / "locale"


def read_po(text: str) -> dict[str, str]:
    """The catalogue of a PO file: msgid (``ctxt\\x04id``, plurals joined by NUL) → msgstr."""
    catalogue: dict[str, str] = {}
    entry: dict[str, list[str]] = {}
    fuzzy = False
    current: str | None = None

    def flush() -> None:
        nonlocal entry, fuzzy
        if "msgid" in entry and not fuzzy:
            msgid = "".join(entry["msgid"])
            if "msgid_plural" in entry:
                msgid += "\0" + "".join(entry["msgid_plural"])
                forms = sorted(k for k in entry if k.startswith("msgstr["))
                msgstr = "\0".join("".join(entry[k]) for k in forms)
            else:
                msgstr = "".join(entry.get("msgstr", []))
            if "msgctxt" in entry:
                msgid = "".join(entry["msgctxt"]) + "\x04" + msgid
            if msgstr.replace("\0", ""):
                catalogue[msgid] = msgstr
        entry, fuzzy = {}, False

    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if not line:
            flush()
            current = None
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if current is None:
                raise ValueError(f"a continued string outside an entry: {line}")
            entry[current].append(ast.literal_eval(line))
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in entry):
                flush()
            current = keyword
            entry[current] = [ast.literal_eval(rest)]
    return catalogue


def mo_bytes(catalogue: dict[str, str]) -> bytes:
    """The GNU MO file of a catalogue (little-endian, no hash table)."""
    keys = sorted(catalogue)
    ids = [k.encode() for k in keys]
    strs = [catalogue[k].encode() for k in keys]
    header_size = 7 * 4
    ids_table = header_size
    strs_table = ids_table + 8 * len(keys)
    data_start = strs_table + 8 * len(keys)
    offsets: list[tuple[int, int]] = []
    data = b""
    for raw in (*ids, *strs):
        offsets.append((len(raw), data_start + len(data)))
        data += raw + b"\0"
    head = struct.pack("<7I", 0x950412DE, 0, len(keys), ids_table, strs_table, 0, 0)
    table = b"".join(struct.pack("<2I", *o) for o in offsets)
    return head + table + data


def source_messages(root: Path = LOCALE_DIR.parent) -> set[str]:
    """Every message the package's source marks for translation.

    That is the literal first argument of each ``gettext(...)`` or ``_(...)`` call (``_``
    being a translator's ``gettext``) and the two of each
    ``.ngettext(...)`` (joined by NUL, as in a catalogue).
    """
    found: set[str] = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else (
                node.func.id if isinstance(node.func, ast.Name) else "")
            args = [a.value for a in node.args if isinstance(a, ast.Constant)
                    and isinstance(a.value, str)]
            if name in ("gettext", "_") and args:
                found.add(args[0])
            elif name == "ngettext" and len(args) >= 2:
                found.add(args[0] + "\0" + args[1])
    return found


def main() -> int:
    """Compile every catalogue; print what was written."""
    wanted = source_messages()
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        catalogue = read_po(po.read_text(encoding="utf-8"))
        mo = po.with_suffix(".mo")
        mo.write_bytes(mo_bytes(catalogue))
        print(f"wrote {mo.relative_to(LOCALE_DIR.parent)}")
        for missing in sorted(wanted - set(catalogue)):
            print(f"  not translated: {missing!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
