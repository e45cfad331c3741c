"""What an answer may carry besides its value: a note and evidence records (private).

:mod:`maturity_model.evidence` exports :class:`EvidenceRecord` and :class:`AnswerDetail`.
In an assessment file an answer is either a value or a mapping::

    answers:
      cm.vc.vcs.3.1:
        value: true
        note: "all repos on the central server"
        evidence:
          - {title: Repository list, url: "https://git.example.com/", date: 2026-10-01,
             reviewer: alice}
          - {title: Audit minutes, path: audits/2026-10.pdf}

A practice whose model says ``evidence: required`` counts as unknown while its answer has
no evidence record, or (with ``evidence_max_age_months: N``) none dated within the last
``N`` calendar months of the scoring date: see :func:`evidence_gap`.
"""

from __future__ import annotations

import datetime
import re
import urllib.parse
from collections.abc import Mapping
from typing import Final, Literal

import attrs

from maturity_model.errors import Problem, shown

__all__ = [
    "AnswerDetail",
    "EvidenceGap",
    "EvidenceRecord",
    "evidence_gap",
    "evidence_problems",
    "months_before",
    "scoring_date",
]

#: Why a practice that needs evidence counted as unknown.
EvidenceGap = Literal["missing", "stale"]

#: URL schemes a report makes clickable; other schemes are kept as text.
WEB_SCHEMES: Final = frozenset({"http", "https"})
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+")


def _strip(value: str) -> str:
    return value.strip() if isinstance(value, str) else value


def _strip_optional(value: str | None) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


@attrs.frozen(kw_only=True)
class EvidenceRecord:
    """One piece of evidence for an answer: a title, a link (``url`` or ``path``), when, who.

    Surrounding spaces are dropped from the texts; an empty ``url``, ``path`` or
    ``reviewer`` is ``None``.

    >>> r = EvidenceRecord(title=" Pipeline config ", url="https://ci.example.com/p/1",
    ...                    date=datetime.date(2026, 10, 1), reviewer="alice")
    >>> r.title, r.link, r.clickable
    ('Pipeline config', 'https://ci.example.com/p/1', True)
    >>> EvidenceRecord(title="Minutes", path="audits/2026.pdf").clickable
    False
    """

    title: str = attrs.field(default="", converter=_strip)
    url: str | None = attrs.field(default=None, converter=_strip_optional)
    path: str | None = attrs.field(default=None, converter=_strip_optional)
    date: datetime.date | None = None
    reviewer: str | None = attrs.field(default=None, converter=_strip_optional)

    @property
    def link(self) -> str:
        """The URL, else the path, else ``""``."""
        return self.url or self.path or ""

    @property
    def clickable(self) -> bool:
        """Whether a report may make the link clickable: an ``http(s)`` URL only."""
        if self.url is None:
            return False
        return urllib.parse.urlsplit(self.url).scheme.lower() in WEB_SCHEMES


def _records(values: object) -> tuple[EvidenceRecord, ...]:
    return tuple(values) if isinstance(values, list | tuple) else ()


@attrs.frozen(kw_only=True)
class AnswerDetail:
    """The note and evidence records given with one answer.

    Surrounding spaces are dropped from the note.

    >>> d = AnswerDetail(note="see wiki", evidence=[EvidenceRecord(title="w", url="https://w")])
    >>> d.note, len(d.evidence), bool(d)
    ('see wiki', 1, True)
    >>> bool(AnswerDetail())
    False
    """

    note: str = attrs.field(default="", converter=_strip)
    evidence: tuple[EvidenceRecord, ...] = attrs.field(default=(), converter=_records)

    def __bool__(self) -> bool:
        return bool(self.note or self.evidence)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved back by calendar months; the day of month is cut to the month's end.

    >>> months_before(datetime.date(2026, 3, 31), 1)
    datetime.date(2026, 2, 28)
    >>> months_before(datetime.date(2026, 1, 15), 12)
    datetime.date(2025, 1, 15)
    """
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last = (following - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def scoring_date(assessment_date: datetime.date | None,
                 as_of: datetime.date | None) -> datetime.date:
    """The date evidence age is measured on: the assessment's, else ``as_of``, else today.

    >>> scoring_date(None, datetime.date(2026, 1, 2))
    datetime.date(2026, 1, 2)
    """
    if assessment_date is not None:
        return assessment_date
    return as_of if as_of is not None else datetime.date.today()


def evidence_gap(detail: AnswerDetail | None, max_age_months: int | None,
                 on: datetime.date) -> EvidenceGap | None:
    """Why an answer to a practice with ``evidence: required`` does not count, or ``None``.

    ``"missing"``: no evidence record. ``"stale"``: with an age limit, no record is dated
    on or after ``on`` moved back by ``max_age_months`` (an undated record is never fresh).

    >>> fresh = AnswerDetail(evidence=[EvidenceRecord(title="x", path="x",
    ...                                               date=datetime.date(2026, 6, 1))])
    >>> on = datetime.date(2026, 11, 1)
    >>> evidence_gap(None, None, on), evidence_gap(fresh, 6, on), evidence_gap(fresh, 3, on)
    ('missing', None, 'stale')
    """
    if detail is None or not detail.evidence:
        return "missing"
    if max_age_months is None:
        return None
    oldest = months_before(on, max_age_months)
    if any(r.date is not None and r.date >= oldest for r in detail.evidence):
        return None
    return "stale"


def _url_problem(url: str) -> str | None:
    if any(c.isspace() or not c.isprintable() for c in url):
        return "it holds spaces or control characters"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return "it cannot be parsed"
    if not _SCHEME.fullmatch(parts.scheme):
        return "it has no scheme such as https:// (give a file as 'path' instead)"
    if parts.scheme.lower() in WEB_SCHEMES and not parts.hostname:
        return "it names no host"
    return None


def evidence_problems(details: Mapping[str, AnswerDetail],
                      today: datetime.date) -> list[Problem]:
    """Bad URLs, records without a link or with two, and dates after ``today``.

    >>> d = {"p": AnswerDetail(evidence=[EvidenceRecord(title="x", url="htp:/x y",
    ...                                                 date=datetime.date(2999, 1, 1))])}
    >>> [(p.code, p.path) for p in evidence_problems(d, datetime.date(2026, 1, 1))]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('invalid-url', "$.answers['p'].evidence[0].url"),
     ('future-date', "$.answers['p'].evidence[0].date")]
    """
    problems: list[Problem] = []
    for practice_id, detail in details.items():
        for k, record in enumerate(detail.evidence):
            where = f"$.answers[{shown(practice_id)}].evidence[{k}]"
            if (record.url is None) == (record.path is None):
                problems.append(Problem.of(
                    "invalid-value", where,
                    "an evidence record needs a 'url' or a 'path' (one of them)"))
            if record.url is not None:
                reason = _url_problem(record.url)
                if reason is not None:
                    problems.append(Problem.of(
                        "invalid-url", f"{where}.url",
                        f"{shown(record.url)} is not a URL: {reason}"))
            if record.date is not None and record.date > today:
                problems.append(Problem.of(
                    "future-date", f"{where}.date",
                    f"evidence {shown(record.title)} is dated {record.date.isoformat()}, "
                    f"after today ({today.isoformat()})"))
    return problems
