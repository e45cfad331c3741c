from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

DATA = Path(__file__).parent / "data"
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"

settings.register_profile(
    "ci", max_examples=150, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("default", max_examples=100, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.data_too_large])
settings.register_profile("long", max_examples=5000, deadline=None,
                          suppress_health_check=list(HealthCheck))
# MM_HYPOTHESIS_PROFILE=long runs a longer campaign locally; CI uses the default.
settings.load_profile(os.environ.get("MM_HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def reference_dir() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"the reference data is not beside the checkout ({REFERENCE})")
    return REFERENCE
