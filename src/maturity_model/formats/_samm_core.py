"""Reading SAMM 2's ``core`` folder; see :mod:`maturity_model.formats.samm`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import attrs

from maturity_model._converter import type_name
from maturity_model._numbers import is_finite_number
from maturity_model.errors import Problem
from maturity_model.formats._samm_terms import ANSWER_KEYS as _ANSWER_KEYS
from maturity_model.formats._samm_terms import KINDS as _KINDS
from maturity_model.formats._samm_terms import model_version
from maturity_model.formats._sources import PathMap, key_path, read_yaml, shown, tagged_text
from maturity_model.levels import Level, LevelScale
from maturity_model.model import (
    AnswerOption,
    AnswerSet,
    CapabilityItem,
    Domain,
    MaturityModel,
    ModelRules,
    Practice,
)
from maturity_model.rules import LevelSum, Mean

__all__ = ["Reader", "build", "model_version"]


@attrs.frozen
class _File:
    where: str  # how problems name the file: "model/activities/G-SM-1-A.yml"
    stem: str
    data: Mapping[str, Any]

    def at(self, key: object) -> str:
        return key_path(f"{self.where}:$", key)


def _order(value: object) -> float:
    if is_finite_number(value):
        return float(cast(float, value))
    return math.inf


class Reader:
    """Reads the core folder and collects every problem on the way."""

    def __init__(self, model_dir: Path, prefix: str) -> None:
        self.model_dir = model_dir
        self.prefix = prefix
        self.problems: list[Problem] = []
        self.ids: dict[str, str] = {}  # file -> its GUID, once read by index()

    def id_of(self, file: _File) -> str | None:
        return self.ids.get(file.where)

    def add(self, code: str, path: str, message: str) -> None:
        self.problems.append(Problem.of(code, path, message))

    def folder(self, name: str) -> list[_File]:
        kind, known = _KINDS[name]
        where = f"{self.prefix}{name}"
        folder = self.model_dir / name
        if not folder.is_dir():
            self.add("invalid-value", f"{where}:$", f"the folder {where} is missing")
            return []
        files: list[_File] = []
        for path in sorted(p for p in folder.iterdir()
                           if p.suffix in (".yml", ".yaml") and not p.is_dir()):
            display = f"{where}/{path.name}"
            if not path.is_file():  # a device or a pipe could be read without end
                self.add("invalid-value", f"{display}:$", "is not a regular file")
                continue
            docs, problems = read_yaml(path, display)
            self.problems.extend(problems)
            if problems:
                continue
            docs = [d for d in docs if d is not None]
            if len(docs) != 1 or not isinstance(docs[0], dict):
                self.add("invalid-value", f"{display}:$",
                         f"must hold one mapping (a SAMM {kind}), not "
                         + (f"{len(docs)} documents" if len(docs) != 1
                            else type_name(docs[0])))
                continue
            file = _File(display, path.stem, docs[0])
            for key, line in getattr(docs[0], "duplicates", ()):
                self.add("invalid-value", file.at(key),
                         f"the key {key!r} is written again at line {line}")
            declared = file.data.get("type")
            if declared is not None and declared != kind:
                self.add("invalid-value", file.at("type"),
                         f"a file in {name}/ must be of type {kind!r}, not {declared!r}")
                continue
            for key in file.data:
                if key not in known:
                    self.problems.append(Problem(
                        code="unknown-field", severity="warning", path=file.at(key),
                        message=f"SAMM {kind} files have no key {key!r}; it is ignored"))
            files.append(file)
        return files

    def text(self, file: _File, key: str, *, required: bool = True) -> str | None:
        value = file.data.get(key)
        if value is None:
            if required:
                self.add("invalid-value", file.at(key), f"the key {key!r} is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            hint = f' (write it quoted: "{value}")' if isinstance(value, int | float) else ""
            self.add("invalid-value", file.at(key),
                     f"must be a non-empty string, not {type_name(value)}{hint}")
            return None
        return value.strip()

    def guid(self, file: _File, key: str) -> str | None:
        value = file.data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)  # an all-digit GUID reads as a number
        return self.text(file, key)

    def integer(self, file: _File, key: str) -> int | None:
        value = file.data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if value is None:
            self.add("invalid-value", file.at(key), f"the key {key!r} is missing")
        else:
            self.add("invalid-value", file.at(key),
                     f"must be a whole number, not {type_name(value)} ({shown(value)})")
        return None

    def index(self, files: list[_File]) -> dict[str, _File]:
        table: dict[str, _File] = {}
        for file in files:
            guid = self.guid(file, "id")
            if guid is None:
                continue
            if guid in table:
                self.add("duplicate-id", file.at("id"),
                         f"the id {shown(guid)} is already used by {table[guid].where}")
                continue
            table[guid] = file
            self.ids[file.where] = guid
        return table

    def ref(self, file: _File, key: str, table: Mapping[str, _File], what: str) -> _File | None:
        guid = self.guid(file, key)
        if guid is None:
            return None
        target = table.get(guid)
        if target is None:
            self.add("unresolved-reference", file.at(key), f"no {what} has the id {shown(guid)}")
        return target

    def claim(self, ids: dict[str, _File], new_id: str, file: _File, key: str,
              what: str) -> bool:
        if new_id in ids:
            self.add("duplicate-id", file.at(key),
                     f"{what} {new_id!r} is already defined by {ids[new_id].where}")
            return False
        ids[new_id] = file
        return True


def build(reader: Reader, paths: PathMap, model_id: str) -> MaturityModel:
    """The model the folder describes; every problem found is left on ``reader``."""
    files = {name: reader.folder(name) for name in _KINDS}
    by_guid = {name: reader.index(found) for name, found in files.items()}

    scale, level_of = _scale(reader, files["maturity_levels"], paths)
    version, functions = _functions(reader, files["business_functions"])
    practice_ids: dict[str, _File] = {}
    practice_code: dict[str, str] = {}  # practice GUID -> "G-SM"
    practices_of: dict[str, list[_File]] = {}
    for file in files["security_practices"]:
        function = reader.ref(file, "function", by_guid["business_functions"],
                              "business function")
        short = reader.text(file, "shortName")
        guid = reader.id_of(file)
        reader.text(file, "name")
        if function is None or short is None or guid is None:
            continue
        code = functions.get(function.where)
        if code is None:
            continue
        new_id = f"{code}-{short}"
        if reader.claim(practice_ids, new_id, file, "shortName", "the practice"):
            practice_code[guid] = new_id
            practices_of.setdefault(function.where, []).append(file)

    stream_of: dict[str, tuple[str, str]] = {}  # stream GUID -> (stream id, practice GUID)
    streams_of: dict[str, list[_File]] = {}
    stream_ids: dict[str, _File] = {}
    for file in files["streams"]:
        practice = reader.ref(file, "practice", by_guid["security_practices"],
                              "security practice")
        letter = reader.text(file, "letter")
        guid = reader.id_of(file)
        reader.text(file, "name")
        if practice is None or letter is None or guid is None:
            continue
        practice_guid = reader.id_of(practice)
        if practice_guid is None or practice_guid not in practice_code:
            continue
        new_id = f"{practice_code[practice_guid]}-{letter}"
        if reader.claim(stream_ids, new_id, file, "letter", "the stream"):
            stream_of[guid] = (new_id, practice_guid)
            streams_of.setdefault(practice_guid, []).append(file)

    practice_level: dict[str, tuple[str | None, int | None]] = {}
    for file in files["practice_levels"]:
        guid = reader.id_of(file)
        practice = reader.ref(file, "practice", by_guid["security_practices"],
                              "security practice")
        maturity = reader.ref(file, "maturityLevel", by_guid["maturity_levels"],
                              "maturity level")
        if guid is not None:
            practice_level[guid] = (
                reader.id_of(practice) if practice is not None else None,
                level_of.get(maturity.where) if maturity is not None else None)

    answer_set_of = _questions(reader, files["questions"], by_guid)
    answer_sets = _answer_sets(reader, files["answer_sets"], paths)

    activity_ids: dict[str, str] = {}  # activity GUID -> "G-SM-1-A"
    placed: dict[str, _File] = {}
    activities_of: dict[str, list[tuple[int, str, _File]]] = {}
    for file in files["activities"]:
        guid = reader.id_of(file)
        stream = reader.ref(file, "stream", by_guid["streams"], "stream")
        level_guid = reader.guid(file, "level")
        if level_guid is not None and level_guid not in practice_level:
            reader.add("unresolved-reference", file.at("level"),
                       f"no practice level has the id {shown(level_guid)}")
        if guid is None or stream is None or level_guid not in practice_level:
            continue
        stream_guid = reader.id_of(stream)
        if stream_guid is None or stream_guid not in stream_of:
            continue
        stream_id, stream_practice = stream_of[stream_guid]
        level_practice, number = practice_level[str(level_guid)]
        if number is None:
            continue
        if level_practice is not None and level_practice != stream_practice:
            reader.add("invalid-value", file.at("level"),
                       f"the practice level {shown(level_guid)} belongs to another practice "
                       f"than the stream {stream_id!r}")
            continue
        prefix, _, letter = stream_id.rpartition("-")
        new_id = f"{prefix}-{number}-{letter}"
        if reader.claim(placed, new_id, file, "level", "the activity"):
            activity_ids[guid] = new_id
            activities_of.setdefault(stream_guid, []).append((number, new_id, file))

    for found in activities_of.values():
        found.sort(key=lambda entry: (entry[0], entry[1]))

    domains: list[Domain] = []
    ordered_functions = sorted(
        (f for f in files["business_functions"] if f.where in functions),
        key=lambda f: (_order(f.data.get("order")), functions[f.where]))
    for i, function in enumerate(ordered_functions):
        fpath = f"$.domains[{i}]"
        paths.add(fpath, f"{function.where}:$")
        for field in ("id", "name"):
            paths.add(f"{fpath}.{field}", function.at("name"))
        practices: list[Domain] = []
        ordered = sorted(practices_of.get(function.where, []),
                         key=lambda f: (_order(f.data.get("order")), f.where))
        for j, practice in enumerate(ordered):
            ppath = f"{fpath}.domains[{j}]"
            paths.add(ppath, f"{practice.where}:$")
            paths.add(f"{ppath}.id", practice.at("shortName"))
            practice_guid = str(reader.id_of(practice))
            items: list[CapabilityItem] = []
            ordered_streams = sorted(
                streams_of.get(practice_guid, []),
                key=lambda f: (_order(f.data.get("order")), str(f.data.get("letter"))))
            for k, stream in enumerate(ordered_streams):
                spath = f"{ppath}.items[{k}]"
                paths.add(spath, f"{stream.where}:$")
                paths.add(f"{spath}.id", stream.at("letter"))
                paths.add(f"{spath}.practices", f"{stream.where}:$")
                stream_guid = str(reader.id_of(stream))
                activities: list[Practice] = []
                for m, (number, new_id, file) in enumerate(
                        activities_of.get(stream_guid, [])):
                    apath = f"{spath}.practices[{m}]"
                    activities.append(_activity(reader, file, new_id, number, activity_ids,
                                                answer_set_of, paths, apath))
                items.append(CapabilityItem(
                    id=stream_of[stream_guid][0], name=_name(stream, "name"), key=stream_guid,
                    description=_name(stream, "description"), practices=activities))
            practices.append(Domain(
                id=practice_code[practice_guid], name=_name(practice, "name"), key=practice_guid,
                description=_name(practice, "shortDescription"), items=items))
        domains.append(Domain(id=functions[function.where], name=_name(function, "name"),
                              description=_name(function, "description"),
                              domains=practices, key=reader.id_of(function)))
    if files["business_functions"]:
        first = files["business_functions"][0]
        for field in ("id", "version"):
            paths.add(f"$.{field}", first.at("model"))
    return MaturityModel(
        id=model_id, name="OWASP SAMM", version=version,
        description="OWASP Software Assurance Maturity Model, read from its core files",
        scale=scale, rules=ModelRules(item=LevelSum(), domain=Mean()),
        answer_sets=answer_sets, domains=domains,
        metadata={"source": "OWASP SAMM (https://owaspsamm.org/)",
                  "license": "CC BY-SA 4.0 (the SAMM model data)"})


def _name(file: _File, key: str) -> str:
    value = tagged_text(file.data.get(key), strip=True)  # {en: ..., es: ...} stays a text
    return value if isinstance(value, str) else ""


def _scale(reader: Reader, files: list[_File],
           paths: PathMap) -> tuple[LevelScale, dict[str, int]]:
    level_of: dict[str, int] = {}
    levels: dict[int, _File] = {}
    for file in files:
        number = reader.integer(file, "number")
        if number is None:
            continue
        if number in levels:
            reader.add("duplicate-id", file.at("number"),
                       f"maturity level {number} is already defined by "
                       f"{levels[number].where}")
            continue
        levels[number] = file
        level_of[file.where] = number
    folder = f"{reader.prefix}maturity_levels"
    paths.add("$.scale", f"{folder}:$")
    scale = [Level(value=0, name="none")]
    for i, number in enumerate(sorted(levels), start=1):
        file = levels[number]
        paths.add(f"$.scale[{i}]", f"{file.where}:$")
        paths.add(f"$.scale[{i}].value", file.at("number"))
        scale.append(Level(value=number, name=_name(file, "name"),
                           description=_name(file, "description")))
    return LevelScale(scale), level_of


def _functions(reader: Reader, files: list[_File]) -> tuple[str, dict[str, str]]:
    codes: dict[str, str] = {}  # file -> "G"
    claimed: dict[str, _File] = {}
    versions: dict[str, _File] = {}
    for file in files:
        name = reader.text(file, "name")
        tag = reader.text(file, "model", required=False)
        if tag is not None:
            version = model_version(tag)
            if versions and version not in versions:
                reader.add("invalid-value", file.at("model"),
                           f"the model {shown(tag)} differs from the one in "
                           f"{next(iter(versions.values())).where}")
            versions.setdefault(version, file)
        if name is None:
            continue
        code = name[0].upper()
        if not code.isalpha():
            reader.add("invalid-value", file.at("name"),
                       f"the name {name!r} must start with a letter (its code)")
            continue
        if reader.claim(claimed, code, file, "name", "the business function code"):
            codes[file.where] = code
    return (next(iter(versions)) if versions else ""), codes


def _questions(reader: Reader, files: list[_File],
               by_guid: Mapping[str, Mapping[str, _File]]) -> dict[str, tuple[str, str]]:
    """Activity GUID -> (answer set id, where the question names it); lowest order wins."""
    chosen: dict[str, tuple[float, str, str, str]] = {}
    for file in files:
        activity = reader.ref(file, "activity", by_guid["activities"], "activity")
        answer_set = reader.ref(file, "answerSet", by_guid["answer_sets"], "answer set")
        if activity is None or answer_set is None:
            continue
        activity_guid = str(reader.id_of(activity))
        entry = (_order(file.data.get("order")), file.where, answer_set.stem,
                 file.at("answerSet"))
        if activity_guid not in chosen or entry < chosen[activity_guid]:
            chosen[activity_guid] = entry
    return {guid: (entry[2], entry[3]) for guid, entry in chosen.items()}


def _answer_sets(reader: Reader, files: list[_File], paths: PathMap) -> list[AnswerSet]:
    result: list[AnswerSet] = []
    for file in files:
        values = file.data.get("values")
        if not isinstance(values, list):
            reader.add("invalid-value", file.at("values"),
                       f"must be a list of answers, not {type_name(values)}")
            continue
        found: list[tuple[float, int, AnswerOption]] = []
        for j, entry in enumerate(values):
            where = f"{file.at('values')}[{j}]"
            if not isinstance(entry, dict):
                reader.add("invalid-value", where,
                           f"an answer must be a mapping, not {type_name(entry)}")
                continue
            for key in entry:
                if key not in _ANSWER_KEYS:
                    reader.problems.append(Problem(
                        code="unknown-field", severity="warning", path=f"{where}.{key}",
                        message=f"SAMM answers have no key {key!r}; it is ignored"))
            label, value = tagged_text(entry.get("text")), entry.get("value")
            if not isinstance(label, str):
                hint = f' (write it quoted: "{label}")' if isinstance(label, int | float) else ""
                reader.add("invalid-value", f"{where}.text",
                           f"the label must be a string, not {type_name(label)}{hint}")
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                reader.add("invalid-value", f"{where}.value",
                           f"the value must be a number in [0, 1], not {type_name(value)}")
                continue
            found.append((_order(entry.get("order")), j,
                          AnswerOption(label=label, value=value)))
        found.sort(key=lambda entry: (entry[0], entry[1]))
        native = f"$.answer_sets[{file.stem!r}]"
        paths.add(native, file.at("values"))
        for position, (_, j, _option) in enumerate(found):
            paths.add(f"{native}[{position}]", f"{file.at('values')}[{j}]")
            paths.add(f"{native}[{position}].label", f"{file.at('values')}[{j}].text")
        result.append(AnswerSet(id=file.stem, options=[entry[2] for entry in found]))
    return result


def _activity(reader: Reader, file: _File, new_id: str, number: int,
              activity_ids: Mapping[str, str],
              answer_set_of: Mapping[str, tuple[str, str]], paths: PathMap,
              native: str) -> Practice:
    paths.add(native, f"{file.where}:$")
    paths.add(f"{native}.level", file.at("level"))
    paths.add(f"{native}.text", file.at("shortDescription"))
    paths.add(f"{native}.requires", file.at("relatedActivities"))
    guid = str(reader.id_of(file))
    answer_set = answer_set_of.get(guid)
    if answer_set is not None:
        paths.add(f"{native}.answer_set", answer_set[1])
    related = file.data.get("relatedActivities")
    requires: list[str] = []
    if related is not None and not isinstance(related, list):
        reader.add("invalid-value", file.at("relatedActivities"),
                   f"must be a list of activity ids, not {type_name(related)}")
        related = None
    for k, entry in enumerate(related or []):
        where = f"{file.at('relatedActivities')}[{k}]"
        ref = str(entry) if isinstance(entry, int) and not isinstance(entry, bool) else entry
        if not isinstance(ref, str):
            reader.add("invalid-value", where,
                       f"an activity id must be a string, not {type_name(entry)}")
            continue
        target = activity_ids.get(ref.strip())
        if target is None:
            reader.add("unresolved-reference", where, f"no activity has the id {shown(ref)}")
            continue
        if target not in requires:
            paths.add(f"{native}.requires[{len(requires)}]", where)
            requires.append(target)
    text = _name(file, "shortDescription") or _name(file, "title")
    prefix, level, letter = new_id.rsplit("-", 2)  # others cite G-SM-1-A as G-SM-A-1
    return Practice(id=new_id, level=number, text=text, requires=requires, key=guid,
                    answer_set=answer_set[0] if answer_set is not None else None,
                    refs={"samm2": [f"{prefix}-{letter}-{level}"]})
