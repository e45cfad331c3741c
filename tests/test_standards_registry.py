"""The standards registry: plug-ins through the entry-point group, versions, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import maturity_model as mm
from maturity_model.errors import UnknownStandardError
from maturity_model.standards import ENTRY_POINT_GROUP, StandardsRegistry

PLUGIN_MODEL = """
format: maturity-model/1
id: acme-platform
name: ACME platform
version: "{version}"
metadata: {{source: ACME, license: Apache-2.0}}
domains:
  - id: ops
    items:
      - id: ops.oncall
        practices: [{{id: ops.oncall.1, level: 1, text: Someone is on call}}]
"""


@pytest.fixture
def plugin_site(tmp_path: Path) -> Path:
    """A tiny installed distribution that adds a standard through the entry-point group."""
    site = tmp_path / "site"
    package = site / "acme_models"
    package.mkdir(parents=True)
    (package / "platform-1.yaml").write_text(PLUGIN_MODEL.format(version="1.0"))
    (package / "platform-2.yaml").write_text(PLUGIN_MODEL.format(version="2.0"))
    (package / "__init__.py").write_text(textwrap.dedent("""
        from pathlib import Path

        import maturity_model as mm

        def platform_models():
            here = Path(__file__).parent
            return [mm.load_model(here / "platform-1.yaml"),
                    mm.load_model(here / "platform-2.yaml")]

        def broken():
            raise RuntimeError("this plug-in is broken")
        """))
    info = site / "acme_models-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-models\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nacme-platform = acme_models:platform_models\n"
        "acme-broken = acme_models:broken\n")
    return site


def test_entry_point_standards_load_by_name_and_version(plugin_site: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(plugin_site))
    registry = StandardsRegistry(include_bundled=False)
    with pytest.warns(RuntimeWarning, match="acme-broken.*this plug-in is broken"):
        names = registry.names()
    assert names == ("acme-platform",)
    assert registry.versions("acme-platform") == ("1.0", "2.0")
    assert registry.load("acme-platform").version == "2.0"
    assert registry.load("acme-platform", "1.0").version == "1.0"
    info = registry.info("acme-platform")
    assert info.origin == "entry point acme-models"
    assert info.metadata["source"] == "ACME"


def test_the_command_lists_installed_plugins(plugin_site: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(plugin_site), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-W", "ignore", "-m", "maturity_model.cli",
                             "standards", "list", "--json"],
                            capture_output=True, text=True, check=True, env=env)
    names = {(s["name"], s["version"]) for s in json.loads(result.stdout)}
    assert {("acme-platform", "1.0"), ("acme-platform", "2.0")} <= names


def test_registered_models_and_unknown_names() -> None:
    registry = StandardsRegistry(include_bundled=False, include_entry_points=False)
    registry.register(mm.MaturityModel(id="tiny", version="1"))
    registry.register(mm.MaturityModel(id="tiny", version="10"))
    registry.register(mm.MaturityModel(id="tiny", version="9"))
    assert registry.versions("tiny") == ("1", "9", "10")
    with pytest.raises(UnknownStandardError) as unknown_name:
        registry.load("nope")
    assert (unknown_name.value.name, unknown_name.value.version) == ("nope", None)
    assert unknown_name.value.known == ("tiny",)
    with pytest.raises(UnknownStandardError) as unknown_version:
        registry.load("tiny", "3")
    assert (unknown_version.value.name, unknown_version.value.version) == ("tiny", "3")
    assert unknown_version.value.known == ("1", "9", "10")
    assert isinstance(unknown_version.value, LookupError)
    assert isinstance(unknown_version.value, mm.MaturityModelError)
    with pytest.raises(mm.MaturityModelError, match="not int"):
        registry.register(42)  # type: ignore[arg-type]
