"""Properties of portfolios: order never matters, files round-trip, counts add up."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import maturity_model as mm
from maturity_model._csv_cells import FORMULA_STARTS
from maturity_model.errors import CertificationError
from tests.strategies import model_and_assessment

_TEXT = st.text(alphabet="ab-=,\"é 银", min_size=1, max_size=6).map(str.strip).filter(bool)
_DAYS = st.dates(min_value=datetime.date(2015, 1, 1), max_value=datetime.date(2030, 12, 31))


@st.composite
def certificates(draw: st.DrawFn) -> mm.Certificate:
    date = draw(_DAYS)
    expires = draw(st.none() | st.integers(0, 2000).map(
        lambda n: date + datetime.timedelta(days=n)))
    return mm.Certificate(
        subject=draw(st.sampled_from(["bank-a", "bank-b", "=bank", "银行"])),
        project=draw(st.none() | st.sampled_from(["ipdo", "cards", "a,b"])),
        model=draw(st.sampled_from(["cd", "srm", "tool"])),
        model_version=draw(st.sampled_from(["", "2021"])),
        level=draw(st.integers(0, 5)), grade=draw(st.sampled_from(["", "Good"])),
        date=date, issuer=draw(_TEXT), expires=expires,
        tags=draw(st.dictionaries(st.sampled_from(["kind", "region", "year"]), _TEXT,
                                  max_size=2)))


def _unique(items: list[mm.Certificate]) -> list[mm.Certificate]:
    seen: dict[tuple[object, ...], mm.Certificate] = {}
    for c in items:
        seen.setdefault((c.subject, c.project, c.part, c.date), c)
    return list(seen.values())


portfolios = st.lists(certificates(), max_size=25).map(_unique)
_FIELDS = st.lists(st.sampled_from(["part", "year", "level", "subject", "kind", "grade"]),
                   max_size=3, unique=True)


@given(portfolios, st.randoms(use_true_random=False), _FIELDS, _DAYS)
def test_the_order_of_certificates_never_changes_a_result(
        given_list: list[mm.Certificate], random: object, by: list[str],
        day: datetime.date) -> None:
    shuffled = list(given_list)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    a, b = mm.Portfolio(given_list), mm.Portfolio(shuffled)
    assert a == b
    assert list(a.counts(by=by).items()) == list(b.counts(by=by).items())
    assert a.current(day) == b.current(day)
    assert a.lapsing(day) == b.lapsing(day)


@given(portfolios, _FIELDS)
def test_counts_add_up_to_the_number_of_certificates(given_list: list[mm.Certificate],
                                                     by: list[str]) -> None:
    p = mm.Portfolio(given_list)
    counts = p.counts(by=by)
    assert counts.total == len(p) == sum(counts.values())
    assert all(n > 0 for n in counts.values())


@given(portfolios, _DAYS)
def test_current_holds_the_latest_valid_certificate_of_each_subject_project_and_part(
        given_list: list[mm.Certificate], day: datetime.date) -> None:
    current = mm.Portfolio(given_list).current(day)
    keys = {(c.subject, c.project, c.part) for c in given_list}
    expected = []
    for key in keys:
        issued = [c for c in given_list if (c.subject, c.project, c.part) == key
                  and c.date <= day]
        if issued:
            latest = max(issued, key=lambda c: c.date)
            if latest.valid_on(day):
                expected.append(latest)
    assert current == mm.Portfolio(expected)


@given(portfolios)
def test_a_portfolio_file_read_back_is_the_same_portfolio(
        given_list: list[mm.Certificate]) -> None:
    import tempfile

    p = mm.Portfolio(given_list)
    folder = Path(tempfile.mkdtemp())
    for name in ("p.yaml", "p.json"):
        p.dump(folder / name)
        assert mm.Portfolio.load(folder / name) == p
    # CSV quotes formula-like text for spreadsheets, so it round-trips the other texts.
    texts = [t for c in p for t in (c.subject, c.issuer, *c.tags.values())]
    if not any(t.startswith(FORMULA_STARTS) for t in texts):
        p.dump(folder / "p.csv")
        assert mm.Portfolio.load(folder / "p.csv") == p


@settings(max_examples=40)
@given(model_and_assessment())
def test_certify_refuses_exactly_the_incomplete_profiles(
        pair: tuple[mm.MaturityModel, mm.Assessment]) -> None:
    model, assessment = pair
    profile = mm.score(model, assessment)
    unknown_mandatory = sorted(
        p.id for p in model.practices()
        if p.mandatory and profile.practices[p.id].status == "unknown")
    expected = ([("incomplete-profile", "$.overall")] if not profile.overall.assessed else [])
    expected += [("incomplete-profile", f"$.practices[{pid!r}]") for pid in unknown_mandatory]
    if expected:
        with pytest.raises(CertificationError) as info:
            mm.certify(profile, issuer="lab", date="2024-01-01")
        assert [(p.code, p.path) for p in info.value.problems] == expected
    else:
        certificate = mm.certify(profile, issuer="lab", date="2024-01-01")
        assert (certificate.level, certificate.model, certificate.model_version) == (
            profile.overall.level, model.id, model.version)
        assert mm.certify(profile, issuer="lab", date="2024-01-01", model=model) == certificate
