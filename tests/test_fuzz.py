"""Loaders either succeed or raise the library's own error with coded problems."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

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
from tests.fuzzing import mutated

DATA = Path(__file__).parent / "data"
MODEL_DOC = read_document(DATA / "valid-model.yaml")
ASSESSMENT_DOC = read_document(DATA / "valid-assessment.yaml")
PROFILE_DOC = json.loads(json.dumps(profile_to_dict(mm.score(
    mm.load_model(DATA / "valid-model.yaml"), mm.load_assessment(DATA / "valid-assessment.yaml")))))


def assert_well_formed(err: mm.ValidationError) -> None:
    assert err.problems
    for problem in err.problems:
        assert problem.code in PROBLEM_CODES
        assert "$" in problem.path
        assert problem.message


def load_or_explain(loader: Any, doc: Any) -> Any:
    try:
        return loader(doc)
    except mm.ValidationError as err:
        assert_well_formed(err)
        return None


@given(mutated(MODEL_DOC))
def test_mutated_models_load_or_fail_with_problems(doc: Any) -> None:
    model = load_or_explain(model_from_dict, doc)
    if model is not None:
        mm.check(model)
        mm.dump_model(model)


@given(mutated(ASSESSMENT_DOC))
def test_mutated_assessments_load_and_score_or_fail_with_problems(doc: Any) -> None:
    assessment = load_or_explain(assessment_from_dict, doc)
    if assessment is not None:
        load_or_explain(lambda a: mm.score(mm.load_model(DATA / "valid-model.yaml"), a),
                        assessment)


@given(mutated(PROFILE_DOC))
def test_mutated_profiles_load_or_fail_with_problems(doc: Any) -> None:
    load_or_explain(profile_from_dict, doc)


@given(st.text(max_size=300), st.sampled_from(["yaml", "json", "toml"]))
def test_random_text_parses_or_fails_with_one_problem(text: str, fmt: str) -> None:
    try:
        doc = parse_text(text, fmt)  # type: ignore[arg-type]
    except mm.ValidationError as err:
        assert_well_formed(err)
        return
    load_or_explain(model_from_dict, doc)


@settings(max_examples=15)
@given(mutated(MODEL_DOC))
def test_validate_command_never_prints_a_traceback(tmp_path_factory: Any, doc: Any) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "model.json"
    try:
        path.write_text(json.dumps(doc), encoding="utf-8")
    except ValueError:
        return
    result = subprocess.run([sys.executable, "-m", "maturity_model.cli", "validate", str(path),
                             "--json"], capture_output=True, text=True, check=False)
    assert result.returncode in (0, 1, 2)
    assert "Traceback" not in result.stderr
    if result.returncode in (0, 1):
        assert set(json.loads(result.stdout)) == {"valid", "problems"}


REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
DSOMM_MODEL = next(iter(sorted(REFERENCE.glob("dsomm/**/generated/model.yaml"))), None)
SAMM_CORE = REFERENCE / "samm" / "core"


def _assert_importer_outcome(load: Any, check: Any, path: Path) -> None:
    for problem in check(path):
        assert problem.code in PROBLEM_CODES
        assert problem.message
    try:
        load(path)
    except mm.ValidationError as err:
        assert_well_formed(err)


@pytest.mark.skipif(DSOMM_MODEL is None, reason="the DSOMM reference model is not beside the checkout")
@settings(max_examples=25)
@given(st.data())
def test_mutated_dsomm_models_import_or_fail_with_problems(tmp_path_factory: Any,
                                                           data: st.DataObject) -> None:
    from maturity_model.formats import dsomm

    assert DSOMM_MODEL is not None
    meta, body = _dsomm_doc()
    doc = data.draw(mutated(body, max_mutations=6))
    path = tmp_path_factory.mktemp("dsomm") / "model.yaml"
    path.write_text(yaml.safe_dump_all([meta, doc], allow_unicode=True), encoding="utf-8")
    _assert_importer_outcome(dsomm.load_model, dsomm.check_file, path)


@pytest.mark.skipif(not SAMM_CORE.is_dir(), reason="the SAMM reference core is not beside the checkout")
@settings(max_examples=15)
@given(st.data())
def test_mutated_samm_folders_import_or_fail_with_problems(tmp_path_factory: Any,
                                                           data: st.DataObject) -> None:
    from maturity_model.formats import samm

    root = tmp_path_factory.mktemp("samm") / "core"
    shutil.copytree(SAMM_CORE, root)
    files = sorted((root / "model").rglob("*.yml"))
    for _ in range(data.draw(st.integers(1, 3))):
        victim = data.draw(st.sampled_from(files))
        original = yaml.safe_load(victim.read_text(encoding="utf-8"))
        broken = data.draw(mutated(original if isinstance(original, dict) else {"x": original}))
        victim.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    _assert_importer_outcome(samm.load_model, samm.check_folder, root)


_DSOMM_CACHE: list[Any] = []


def _dsomm_doc() -> Any:
    if not _DSOMM_CACHE:
        assert DSOMM_MODEL is not None
        docs = list(yaml.safe_load_all(DSOMM_MODEL.read_text(encoding="utf-8")))
        _DSOMM_CACHE.append((docs[0], docs[1]))
    return _DSOMM_CACHE[0]
