"""Certificates and portfolios: recorded overall results, counted the way statistics are.

A :class:`Certificate` records that a subject reached a level of one model version (the
"part": CAICT continuous delivery, security & risk management, system & tool ...) on a
date, issued by someone, perhaps until an expiry date. :func:`certify` makes one from a
profile, refusing a profile that is not complete enough to certify. A :class:`Portfolio`
holds many certificates (from Python, or :meth:`Portfolio.load` of a CSV or YAML file)
and answers what published assessment statistics report: how many certificates by part,
year, level or any tag (:meth:`~Portfolio.counts`), each subject's current certificate
per part (:meth:`~Portfolio.current`) and what lapses before a date
(:meth:`~Portfolio.lapsing`).

Nothing depends on the order certificates are given in: a portfolio keeps them sorted
by date, part, subject and project.

>>> import maturity_model as mm
>>> p = mm.Portfolio([
...     mm.Certificate(subject="bank-a", model="cd", level=3, date="2024-03-01", issuer="x"),
...     mm.Certificate(subject="bank-a", model="srm", level=2, date="2024-05-01", issuer="x"),
...     mm.Certificate(subject="bank-b", model="cd", level=4, date="2023-09-01", issuer="x")])
>>> dict(p.counts(by=["part"]))
{'cd': 2, 'srm': 1}
>>> dict(p.counts(by=["year", "part"]))
{(2023, 'cd'): 1, (2024, 'cd'): 1, (2024, 'srm'): 1}
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from maturity_model._certificate import Certificate, parse_date
from maturity_model._display_registry import frame
from maturity_model._portfolio_files import (
    PORTFOLIO_FORMAT,
    PortfolioFormat,
    duplicate_problems,
    read_certificates,
    write_certificates,
)
from maturity_model._reading import DEFAULT_LIMITS, Limits
from maturity_model.errors import (
    CertificationError,
    PortfolioValidationError,
    Problem,
    ValidationError,
    shown,
)

if TYPE_CHECKING:
    import pandas as pd

    from maturity_model.model import MaturityModel
    from maturity_model.profile import Profile

__all__ = ["PORTFOLIO_FORMAT", "Certificate", "CountTable", "Portfolio", "certify"]


def _order(value: object) -> tuple[bool, str, Any]:
    # None last; values of one column share a type, the name keeps mixed ones apart.
    return (value is None, type(value).__name__, value)


@attrs.frozen(eq=False)
class CountTable(Mapping[Any, int]):
    """How many certificates share each combination of values of the ``by`` fields.

    A mapping, sorted by its keys (``None``, a missing tag, last). With one field a key is
    that field's value; with several, a tuple of values in the order of ``by``. Like
    :class:`collections.Counter`, a key that was never seen counts 0.

    >>> t = CountTable(by=("part",), rows=((("cd",), 4), (("srm",), 2)))
    >>> t["cd"], t["bizdevops"], t.total, "bizdevops" in t
    (4, 0, 6, False)
    >>> t.to_records()
    [{'part': 'cd', 'count': 4}, {'part': 'srm', 'count': 2}]
    """

    by: tuple[str, ...]
    rows: tuple[tuple[tuple[Any, ...], int], ...]
    _lookup: dict[tuple[Any, ...], int] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_lookup", dict(self.rows))

    def _key(self, key: Any) -> tuple[Any, ...]:
        if len(self.by) == 1 and not (isinstance(key, tuple) and len(key) == 1):
            return (key,)
        return key if isinstance(key, tuple) else (key,)

    def __getitem__(self, key: Any) -> int:
        try:
            return self._lookup.get(self._key(key), 0)
        except TypeError:  # an unhashable key was never counted
            return 0

    def __contains__(self, key: object) -> bool:
        try:
            return self._key(key) in self._lookup
        except TypeError:
            return False

    def __iter__(self) -> Iterator[Any]:
        return iter(values[0] if len(self.by) == 1 else values for values, _ in self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"CountTable(by={self.by!r}, {dict(self)!r})"

    @property
    def total(self) -> int:
        """All certificates counted."""
        return sum(n for _, n in self.rows)

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per row: the ``by`` fields, then ``count``."""
        return [{**dict(zip(self.by, values, strict=True)), "count": n}
                for values, n in self.rows]

    def to_frame(self) -> pd.DataFrame:
        """The rows as a pandas DataFrame (needs the ``pandas`` extra).

        :raises MissingExtraError: pandas is not installed.
        """
        return frame(self.to_records(), [*self.by, "count"])


def _by_names(by: str | Sequence[str]) -> tuple[str, ...]:
    if isinstance(by, str):
        return tuple(name.strip() for name in by.split(",") if name.strip())
    return tuple(by)


def _check_names(names: Sequence[object]) -> None:
    problems = [Problem.of("invalid-value", f"$.by[{i}]", f"a field or tag name is a text, "
                           f"not {shown(name)}")
                for i, name in enumerate(names) if not isinstance(name, str)]
    if problems:
        raise ValidationError(problems)


def _canonical(certificates: Iterable[Certificate]) -> tuple[Certificate, ...]:
    given = tuple(certificates)
    paths = [f"$.certificates[{i}]" for i in range(len(given))]
    wrong = [Problem.of("invalid-value", path, f"not a Certificate: {shown(c)}")
             for c, path in zip(given, paths, strict=True) if not isinstance(c, Certificate)]
    problems = wrong or duplicate_problems(given, paths)
    if problems:
        raise PortfolioValidationError(problems)
    return tuple(sorted(given, key=lambda c: (c.date, c.part, c.subject, c.project or "")))


@attrs.frozen
class Portfolio:
    """Certificates of many subjects and parts; counts, current certificates, lapses.

    :param certificates: in any order; kept sorted by date, part, subject and project.
    :raises PortfolioValidationError: two certificates of one subject, project and part
        on one date (``duplicate-id``), or something that is not a certificate.
    """

    certificates: tuple[Certificate, ...] = attrs.field(converter=_canonical)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, file_format: PortfolioFormat | None = None,
             limits: Limits = DEFAULT_LIMITS) -> Portfolio:
        r"""Read a portfolio file, all or nothing.

        A CSV table (by suffix, or ``file_format="csv"``), else a
        ``maturity-portfolio/1`` document in YAML, JSON or TOML.

        :raises OSError: the file cannot be read.
        :raises PortfolioValidationError: the file is too large or not well formed, or
            rows are bad; every problem is listed with its row (``$.certificates[3].date``)
            and nothing is half-loaded.

        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
        >>> _ = path.write_text("subject,model,level,date,issuer\n"
        ...                     "bank-a,cd,3,2024-03-01,x\nbank-b,cd,3,2024-13-01,x\n")
        >>> try:
        ...     Portfolio.load(path)
        ... except PortfolioValidationError as exc:
        ...     [(p.code, p.path) for p in exc.problems]
        [('invalid-value', '$.certificates[1].date')]
        """
        return cls(read_certificates(path, file_format=file_format, limits=limits))

    def dump(self, path: str | os.PathLike[str] | None = None, *,
             file_format: PortfolioFormat | None = None) -> str:
        """The portfolio file's text (CSV, YAML, JSON or TOML); written to ``path`` if given.

        The format is ``file_format``, else ``path``'s suffix, else YAML; reading the
        text back gives an equal portfolio.

        >>> p = Portfolio([Certificate(subject="a", model="cd", level=3, date="2024-03-01",
        ...                            issuer="x")])
        >>> print(p.dump(file_format="csv"), end="")
        subject,project,model,model_version,level,grade,date,issuer,expires
        a,,cd,,3,,2024-03-01,x,
        """
        return write_certificates(self.certificates, path, file_format=file_format)

    def __len__(self) -> int:
        return len(self.certificates)

    def __iter__(self) -> Iterator[Certificate]:
        return iter(self.certificates)

    def __repr__(self) -> str:
        return (f"Portfolio({len(self)} certificates, {len({c.subject for c in self})} "
                f"subjects, parts: {', '.join(sorted({c.part for c in self})) or 'none'})")

    # ------------------------------------------------------------------ counting

    @property
    def tag_names(self) -> frozenset[str]:
        """The names of the tags some certificate has.

        >>> Portfolio([Certificate(subject="a", model="cd", level=3, date="2024-03-01",
        ...                        issuer="x", tags={"kind": "city"})]).tag_names
        frozenset({'kind'})
        """
        return frozenset(name for c in self.certificates for name in c.tags)

    def counts(self, by: str | Sequence[str] = ("part",)) -> CountTable:
        """How many certificates there are for each combination of values of ``by``.

        :param by: field names (``part``, ``year``, ``level``, ``grade``, ``subject``,
            ``project``, ``issuer``, ``model``, ``model_version``, ``date``, ``expires``)
            or tag names, in the order of the key; a text is split at commas. A field
            wins over a tag of the same name. A certificate without the tag counts under
            ``None``.
            A name no certificate has as a tag counts every certificate under ``None``
            (a portfolio narrowed by :meth:`where` may have lost a tag the whole one has);
            the ``maturity portfolio`` command refuses such a name as a likely typo.
        :raises ValidationError: a name is not a text (``invalid-value`` at ``$.by[i]``).

        >>> p = Portfolio([
        ...     Certificate(subject="a", model="cd", level=3, date="2024-03-01",
        ...                 issuer="x", tags={"kind": "city"}),
        ...     Certificate(subject="b", model="cd", level=3, date="2024-04-01", issuer="x")])
        >>> dict(p.counts(by="kind")), p.counts(by=["level"])[3]
        ({'city': 1, None: 1}, 2)
        """
        names = _by_names(by)
        _check_names(names)
        found: dict[tuple[Any, ...], int] = {}
        for certificate in self.certificates:
            key = tuple(certificate.field(name) for name in names)
            found[key] = found.get(key, 0) + 1
        rows = sorted(found.items(), key=lambda row: tuple(_order(v) for v in row[0]))
        return CountTable(by=names, rows=tuple(rows))

    def where(self, **criteria: object) -> Portfolio:
        """The certificates whose fields or tags have the given values.

        A value that is a list, tuple, set or range matches any of its members.

        >>> p = Portfolio([
        ...     Certificate(subject="a", model="cd", level=3, date="2023-03-01", issuer="x"),
        ...     Certificate(subject="a", model="cd", level=4, date="2024-03-01", issuer="x")])
        >>> len(p.where(year=2024)), len(p.where(level=[3, 4], part="cd"))
        (1, 2)
        """

        def matches(certificate: Certificate) -> bool:
            for name, wanted in criteria.items():
                value = certificate.field(name)
                if isinstance(wanted, list | tuple | set | frozenset | range):
                    if value not in wanted:
                        return False
                elif value != wanted:
                    return False
            return True

        return Portfolio(c for c in self.certificates if matches(c))

    # ------------------------------------------------------------------ time

    def current(self, as_of: datetime.date | str | None = None) -> Portfolio:
        """Each subject's current certificate per part: the latest one.

        A subject with several projects has one current certificate per project and
        part. With ``as_of`` only certificates issued by that day count, and a latest
        certificate that has expired by then (its ``expires`` is before ``as_of``) leaves
        that subject and part without a current certificate.

        >>> p = Portfolio([
        ...     Certificate(subject="a", model="cd", level=3, date="2019-06-01",
        ...                 issuer="x", expires="2022-05-31"),
        ...     Certificate(subject="a", model="cd", level=4, date="2023-03-01", issuer="x")])
        >>> [c.level for c in p.current()], [c.level for c in p.current("2021-01-01")]
        ([4], [3])
        >>> len(p.current("2022-12-31"))
        0
        """
        day = _day(as_of, "as_of")
        latest: dict[tuple[str, str | None, str], Certificate] = {}
        for certificate in self.certificates:  # sorted by date: a later one replaces
            if day is None or certificate.date <= day:
                latest[(certificate.subject, certificate.project, certificate.part)] = (
                    certificate)
        return Portfolio(c for c in latest.values() if day is None or c.valid_on(day))

    def lapsing(self, before: datetime.date | str, *,
                as_of: datetime.date | str | None = None) -> tuple[Certificate, ...]:
        """What needs renewing: current certificates that expire before ``before``.

        The certificates of :meth:`current` (``as_of``) whose expiry date falls before
        ``before``, soonest first.

        >>> p = Portfolio([
        ...     Certificate(subject="a", model="cd", level=3, date="2023-06-01",
        ...                 issuer="x", expires="2026-05-31"),
        ...     Certificate(subject="b", model="cd", level=3, date="2024-06-01",
        ...                 issuer="x", expires="2027-05-31")])
        >>> [c.subject for c in p.lapsing("2027-01-01")]
        ['a']
        """
        day = _day(before, "before")
        assert day is not None
        found = [c for c in self.current(as_of) if c.expires is not None and c.expires < day]
        return tuple(sorted(found, key=lambda c: (c.expires, c.part, c.subject,
                                                  c.project or "")))

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per certificate, its tags as ``tags.NAME`` keys.

        >>> p = Portfolio([Certificate(subject="a", model="cd", level=3, date="2024-03-01",
        ...                            issuer="x", tags={"kind": "city"})])
        >>> record = p.to_records()[0]
        >>> record["subject"], record["date"], record["tags.kind"]
        ('a', datetime.date(2024, 3, 1), 'city')
        """
        records = []
        for certificate in self.certificates:
            record = certificate.to_record()
            tags = record.pop("tags")
            records.append({**record, **{f"tags.{k}": v for k, v in tags.items()}})
        return records


def _day(value: datetime.date | str | None, name: str) -> datetime.date | None:
    if value is None:
        return None
    day = parse_date(value)
    if day is None:
        raise ValidationError([Problem.of("invalid-value", f"$.{name}", f"{name} must be a "
                                          f"calendar date (YYYY-MM-DD), not {shown(value)}")])
    return day


# --------------------------------------------------------------------------- certify


def _mandatory(profile: Profile, model: MaturityModel | None) -> Collection[str]:
    if model is None:
        return {pid for pid, r in profile.practices.items() if r.mandatory}
    return {p.id for p in model.practices() if p.mandatory}


def _certify_problems(profile: Profile, model: MaturityModel | None, subject: str,
                      day: object) -> list[Problem]:
    problems = []
    if model is not None and (model.id, model.version) != (profile.model_id,
                                                           profile.model_version):
        problems.append(Problem.of(
            "model-mismatch", "$.model", f"the profile is of {shown(profile.model_id)} "
            f"{shown(profile.model_version)}, the model {shown(model.id)} "
            f"{shown(model.version)}"))
        return problems
    if not profile.overall.assessed:
        problems.append(Problem.of(
            "incomplete-profile", "$.overall", "the overall result is not assessed: no "
            "practice has an answer other than n/a and unknown"))
    unknown = sorted(pid for pid in _mandatory(profile, model)
                     if pid in profile.practices and profile.practices[pid].status == "unknown")
    problems += [Problem.of("incomplete-profile", f"$.practices[{shown(pid)}]",
                            f"the mandatory practice {shown(pid)} (level "
                            f"{profile.practices[pid].level}) has no answer")
                 for pid in unknown]
    if not subject.strip():
        problems.append(Problem.of("invalid-value", "$.subject", "the profile names no "
                                   "subject: pass subject=..."))
    if day is None:
        problems.append(Problem.of("invalid-value", "$.date", "the profile has no date: "
                                   "pass date=... (YYYY-MM-DD)"))
    return problems


def certify(profile: Profile, *, issuer: str, subject: str | None = None,
            date: datetime.date | str | None = None, project: str | None = None,
            expires: datetime.date | str | None = None,
            tags: Mapping[str, str] | None = None,
            model: MaturityModel | None = None) -> Certificate:
    """A certificate of a profile's overall result (level and the scale's name for it).

    The profile must be complete under the model: its overall result assessed, and no
    mandatory practice unknown (an N/A mandatory practice is fine).

    :param issuer: who issues the certificate.
    :param subject: who is certified; the profile's subject when omitted.
    :param date: the day of issue; the profile's ``date`` when omitted.
    :param project: the subject's project or system, if certificates name one.
    :param expires: the last day the certificate is valid.
    :param tags: tags to count by; added to the profile's own ``tags`` (if it has any).
    :param model: the profile's model, to read which practices are mandatory (by default
        the profile's practice results say it).
    :raises CertificationError: the profile cannot be certified; its problems say why
        (``incomplete-profile``, ``model-mismatch``, or ``invalid-value`` for a missing
        subject or date).

    >>> import maturity_model as mm
    >>> m = mm.MaturityModel(id="m", version="1", scale=mm.LevelScale.of("Basic", "Good"),
    ...     domains=[mm.Domain(id="d", items=[mm.CapabilityItem(id="i", practices=[
    ...         mm.Practice(id="p1", level=1), mm.Practice(id="p2", level=2,
    ...                                                      mandatory=True)])])])
    >>> done = mm.score(m, mm.Assessment(model="m", subject="t", answers={
    ...     "p1": True, "p2": True}))
    >>> c = mm.certify(done, issuer="lab", date="2024-05-01")
    >>> c.subject, c.part, c.model_version, c.level, c.grade
    ('t', 'm', '1', 2, 'Good')
    >>> mm.certify(mm.score(m, mm.Assessment(model="m", subject="t", answers={"p1": True})),
    ...            issuer="lab", date="2024-05-01")
    Traceback (most recent call last):
    ...
    maturity_model.errors.CertificationError: 1 problem:
      $.practices['p2']: the mandatory practice 'p2' (level 2) has no answer \
[incomplete-profile]
    """
    who = profile.subject if subject is None else subject
    day = getattr(profile, "date", None) if date is None else date
    parsed = parse_date(day) if day is not None else None
    problems = _certify_problems(profile, model, who, day)
    if day is not None and parsed is None:
        problems.append(Problem.of("invalid-value", "$.date", f"date must be a calendar "
                                   f"date (YYYY-MM-DD), not {shown(day)}"))
    if problems:
        raise CertificationError(problems)
    assert parsed is not None
    level = profile.overall.level
    assert level is not None
    all_tags = {**dict(getattr(profile, "tags", None) or {}), **dict(tags or {})}
    try:
        return Certificate(subject=who, project=project, model=profile.model_id,
                           model_version=profile.model_version, level=level,
                           grade=profile.level_name(level), date=parsed, issuer=issuer,
                           expires=expires, tags=all_tags)
    except PortfolioValidationError as exc:
        raise CertificationError(exc.problems) from None
