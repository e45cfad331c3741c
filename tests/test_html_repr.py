from __future__ import annotations

import maturity_model as mm
from maturity_model import standards
from maturity_model.profile import Profile

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


def hostile() -> tuple[mm.MaturityModel, Profile]:
    model = mm.MaturityModel(
        id="m" + PAYLOAD, name="M" + PAYLOAD,
        scale=mm.LevelScale((mm.Level(value=1, name="L" + PAYLOAD),)),
        domains=[mm.Domain(id="d" + PAYLOAD, name="D" + PAYLOAD, items=[mm.CapabilityItem(
            id="i" + PAYLOAD, name="I" + PAYLOAD, practices=[
                mm.Practice(id="p" + PAYLOAD, level=1, text="T" + PAYLOAD)])])])
    profile = mm.score(model, mm.Assessment(model=model.id, subject="S" + PAYLOAD,
                                            answers={"p" + PAYLOAD: True}))
    return model, profile


def test_profile_and_model_repr_html() -> None:
    model = standards.load("caict-devops-cd")
    profile = mm.score(model, standards.example_assessment("caict-devops-cd"))
    page = profile._repr_html_()
    assert "harbour-bank-payments" in page
    assert "Configuration management" in page
    assert "2.34" in page
    text = model._repr_html_()
    assert "Configuration management" in text
    assert "caict-devops-cd" in text


def test_repr_html_escapes() -> None:
    model, profile = hostile()
    for page in (model._repr_html_(), profile._repr_html_()):
        assert "<script" not in page.lower()
        assert "<img" not in page.lower()
        assert "&lt;script&gt;" in page
