"""One certificate: a recorded overall result of one model version, and its checks.

:class:`Certificate` is exported by :mod:`maturity_model.portfolio`; it lives here so the
portfolio file reader (:mod:`maturity_model._portfolio_files`) and the portfolio can both
use it without importing each other. Field checks return problems with paths relative to
the certificate (``$.date``), so a file reader can put the row in front.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Final

import attrs

from maturity_model.errors import PortfolioValidationError, Problem, shown
from maturity_model.evidence import tags_converter

__all__ = ["CERTIFICATE_FIELDS", "Certificate", "certificate_problems", "parse_date"]

#: The fields of a certificate as files name them, in the order files write them.
CERTIFICATE_FIELDS: Final = ("subject", "project", "model", "model_version", "level",
                             "grade", "date", "issuer", "expires", "tags")


def parse_date(value: object) -> datetime.date | None:
    """A calendar date from a ``date`` or an ISO 8601 text (``2024-05-31``), else ``None``.

    A date with a time of day is not a date: ``None``.

    >>> parse_date("2024-05-31"), parse_date(datetime.date(2019, 1, 2))
    (datetime.date(2024, 5, 31), datetime.date(2019, 1, 2))
    >>> parse_date("31.05.2024"), parse_date(datetime.datetime(2024, 1, 1, 10, 0))
    (None, None)
    """
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _as_date(value: Any) -> Any:
    # ISO texts become dates; anything else stays as given, for the checks to name.
    return parse_date(value) or value if isinstance(value, str) else value


def _blank_as_none(value: Any) -> Any:
    # A blank project is no project: "" and None must not be two keys of current().
    return None if isinstance(value, str) and not value.strip() else value


def _text_problem(name: str, value: object, *, required: bool) -> Problem | None:
    if isinstance(value, str) and (value.strip() or not required):
        return None
    if value is None and not required:
        return None
    what = "a text that is not blank" if required else "a text"
    return Problem.of("invalid-value", f"$.{name}", f"{name} must be {what}, not "
                      f"{shown(value)}")


def certificate_problems(values: Mapping[str, Any]) -> list[Problem]:
    """What is wrong with the fields of a certificate (paths relative to it: ``$.level``).

    >>> [str(p) for p in certificate_problems({"subject": "", "model": "cd", "level": -1,
    ...     "date": datetime.date(2024, 1, 1), "issuer": "caict"})]
    ... # doctest: +NORMALIZE_WHITESPACE
    ["$.subject: subject must be a text that is not blank, not '' [invalid-value]",
     '$.level: level must be a whole number of 0 or more, not -1 [invalid-value]']
    """
    problems = [p for name in ("subject", "model", "issuer")
                if (p := _text_problem(name, values.get(name), required=True))]
    problems += [p for name in ("project",)
                 if (p := _text_problem(name, values.get(name), required=False))]
    problems += [p for name in ("model_version", "grade")
                 if (p := _text_problem(name, values.get(name, ""), required=False))]
    level = values.get("level")
    if isinstance(level, bool) or not isinstance(level, int) or level < 0:
        problems.append(Problem.of("invalid-value", "$.level", "level must be a whole "
                                   f"number of 0 or more, not {shown(level)}"))
    date = values.get("date")
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        problems.append(Problem.of("invalid-value", "$.date", "date must be a calendar "
                                   f"date (YYYY-MM-DD), not {shown(date)}"))
    expires = values.get("expires")
    if expires is not None and (not isinstance(expires, datetime.date)
                                or isinstance(expires, datetime.datetime)):
        problems.append(Problem.of("invalid-value", "$.expires", "expires must be a "
                                   f"calendar date (YYYY-MM-DD), not {shown(expires)}"))
    elif (expires is not None and isinstance(date, datetime.date)
          and not isinstance(date, datetime.datetime) and expires < date):
        problems.append(Problem.of("invalid-value", "$.expires", f"the certificate "
                                   f"expires ({expires}) before it was issued ({date})"))
    tags = values.get("tags") or {}
    if not isinstance(tags, Mapping):
        problems.append(Problem.of("invalid-value", "$.tags",
                                   f"tags must be a mapping of names to texts, not "
                                   f"{shown(tags)}"))
    else:
        problems += [Problem.of("invalid-value", f"$.tags[{shown(k)}]",
                                f"a tag has a name and a text value, not {shown(k)}: "
                                f"{shown(v)}")
                     for k, v in tags.items()
                     if not isinstance(k, str) or not k.strip() or not isinstance(v, str)]
    return problems


@attrs.frozen(kw_only=True)
class Certificate:
    """A certified result: a subject reached a level of one model version (the "part").

    :param subject: who was certified (a bank, a team, a system).
    :param model: the model id: the part certified (``caict-devops-cd``).
    :param level: the certified level (the profile's overall level).
    :param date: the day it was issued.
    :param issuer: who issued it.
    :param model_version: the model version (``"2021"``).
    :param grade: the name of the level on the model's scale (``"Comprehensive"``).
    :param project: the project or system of the subject, when certificates name one (a
        blank text is none).
    :param expires: the last day it is valid; ``None`` when it does not expire.
    :param tags: anything else to count by (``{"kind": "joint-stock-bank"}``).
    :raises PortfolioValidationError: a field is missing or wrong (every problem listed).

    >>> import datetime
    >>> c = Certificate(subject="citic", project="ipdo", model="caict-devops-cd",
    ...                 model_version="2021", level=3, grade="Comprehensive",
    ...                 date=datetime.date(2019, 6, 1), issuer="CAICT",
    ...                 tags={"kind": "joint-stock-bank"})
    >>> c.part, c.year, c.tags["kind"]
    ('caict-devops-cd', 2019, 'joint-stock-bank')
    """

    subject: str
    model: str
    level: int
    date: datetime.date = attrs.field(converter=_as_date)
    issuer: str
    model_version: str = ""
    grade: str = ""
    project: str | None = attrs.field(default=None, converter=_blank_as_none)
    expires: datetime.date | None = attrs.field(default=None, converter=_as_date)
    tags: Mapping[str, str] = attrs.field(factory=dict, converter=tags_converter, hash=False)

    def __attrs_post_init__(self) -> None:
        problems = certificate_problems(attrs.asdict(self, recurse=False))
        if problems:
            raise PortfolioValidationError(problems)

    @property
    def part(self) -> str:
        """The part certified: the model id (one model version is one part)."""
        return self.model

    @property
    def year(self) -> int:
        """The year it was issued."""
        return self.date.year

    def valid_on(self, day: datetime.date) -> bool:
        """Whether it is in force on ``day``: issued by then and not expired.

        The expiry day itself is still valid.

        >>> import datetime
        >>> c = Certificate(subject="s", model="m", level=2, issuer="i",
        ...                 date=datetime.date(2020, 1, 1), expires=datetime.date(2022, 12, 31))
        >>> [c.valid_on(datetime.date(y, 12, 31)) for y in (2019, 2022, 2023)]
        [False, True, False]
        """
        return self.date <= day and (self.expires is None or day <= self.expires)

    def field(self, name: str) -> object:
        """The value counted under ``name``: a field, ``part``, ``year`` or a tag.

        A tag the certificate lacks is ``None``.

        >>> import datetime
        >>> c = Certificate(subject="s", model="m", level=2, issuer="i",
        ...                 date=datetime.date(2020, 1, 1), tags={"kind": "city"})
        >>> c.field("year"), c.field("kind"), c.field("region")
        (2020, 'city', None)
        """
        if name in COUNT_FIELDS:
            return getattr(self, name)
        return self.tags.get(name)

    def to_record(self) -> dict[str, Any]:
        """A plain dict of its fields (dates as ``datetime.date``; tags as a dict).

        >>> c = Certificate(subject="s", model="m", level=2, issuer="i", date="2020-01-01")
        >>> c.to_record()["date"], c.to_record()["tags"]
        (datetime.date(2020, 1, 1), {})
        """
        record = attrs.asdict(self, recurse=False)
        record["tags"] = dict(self.tags)
        return record


#: The names :meth:`Certificate.field` reads from the certificate itself; any other name
#: is a tag.
COUNT_FIELDS: Final = frozenset({"subject", "project", "model", "model_version", "part",
                                 "year", "level", "grade", "issuer", "date", "expires"})
