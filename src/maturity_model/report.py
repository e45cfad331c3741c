"""Reports: one self-contained HTML file, or Markdown, for a profile.

:func:`render_html` gives a single HTML document with inline CSS and hand-written inline
SVG (no script, no network, no external file; it prints well). It shows the overall level
and score, a per-domain table with the evidence counts, a radar of the top-level domains,
a coverage heat-map (capability items × levels), and optionally the gap to a target with
its roadmap, what changed since an earlier profile, and the subject's history (its dated
results, journey and the nodes that fell) when given a :class:`~maturity_model.History`.
:func:`render_markdown` gives the same content as Markdown tables; :func:`write_report`
picks one by the file suffix. Both list the dependency violations, and the overall line
says what holds the level down when it is far below the score.

Every text that comes from a model or an assessment (names, ids, practice texts, the
subject) is escaped by :mod:`maturity_model._escape`, the one escaper of the package, so
a model file carrying ``<script>`` renders as text.

>>> import maturity_model as mm
>>> model = mm.MaturityModel(id="m", name="Mini", scale=mm.LevelScale.of("Basic", "Good"),
...     domains=[mm.Domain(id="build", items=[mm.CapabilityItem(id="ci", practices=[
...         mm.Practice(id="ci.1", level=1), mm.Practice(id="ci.2", level=2)])])])
>>> profile = mm.score(model, mm.Assessment(model="m", subject="team <a>",
...                                         answers={"ci.1": True}))
>>> page = render_html(model, profile, target=2)
>>> "Overall: Level 1 (Basic), score 1.00" in page, "team &lt;a&gt;" in page
(True, True)
"""


from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from maturity_model._report_html import render_html
from maturity_model._report_markdown import render_markdown
from maturity_model._report_portfolio import portfolio_html, portfolio_markdown
from maturity_model._report_svg import heatmap_svg, radar_svg

if TYPE_CHECKING:
    from maturity_model.history import History
    from maturity_model.model import MaturityModel
    from maturity_model.portfolio import Portfolio
    from maturity_model.profile import Profile
    from maturity_model.target import Target

__all__ = ["heatmap_svg", "portfolio_html", "portfolio_markdown", "radar_svg", "render_html",
           "render_markdown", "write_portfolio_report", "write_report"]

#: File suffixes :func:`write_report` writes as Markdown; every other suffix gives HTML.
MARKDOWN_SUFFIXES: Final = frozenset({".md", ".markdown"})


def write_report(path: str | os.PathLike[str], model: MaturityModel, profile: Profile, *,
                 compare: Profile | None = None,
                 target: Target | int | None = None,
                 history: History | None = None, lang: str | None = None) -> Path:
    """Write the report to ``path``: Markdown for ``.md``/``.markdown``, else HTML.

    ``lang`` (a BCP 47 tag) is the report's language, with fallback to the model's.

    The file is written atomically (a temporary file renamed into place), so a failure
    never leaves a truncated report. Returns the path written.

    >>> import tempfile, pathlib, maturity_model as mm
    >>> model = mm.MaturityModel(id="m", domains=[mm.Domain(id="d", items=[
    ...     mm.CapabilityItem(id="ci", practices=[mm.Practice(id="ci.1", level=1)])])])
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.md"
    >>> write_report(out, model, mm.score(model, mm.Assessment(model="m"))).read_text(
    ...     ).startswith("# Maturity report")
    True
    """
    from maturity_model._writing import write_atomic

    target_path = Path(path)
    if target_path.suffix.lower() in MARKDOWN_SUFFIXES:
        text = render_markdown(model, profile, compare=compare, target=target,
                               history=history, lang=lang)
    else:
        text = render_html(model, profile, compare=compare, target=target, history=history,
                           lang=lang)
    write_atomic(target_path, text)
    return target_path


def write_portfolio_report(path: str | os.PathLike[str], portfolio: Portfolio,
                           by: str | Sequence[str] = ("part", "year"), *,
                           as_of: datetime.date | None = None,
                           lapsing_before: datetime.date | None = None) -> Path:
    """Write the portfolio report to ``path``: Markdown for ``.md``/``.markdown``, else HTML.

    The counts are by the ``by`` fields (two give a cross table and, in HTML, a stacked
    bar chart); the latest certificates follow (with ``as_of``, those current then), and
    the ones that lapse before ``lapsing_before`` when it is given. Written atomically.

    >>> import tempfile, pathlib, maturity_model as mm
    >>> p = mm.Portfolio([mm.Certificate(subject="a", model="cd", level=3,
    ...                                  date="2024-03-01", issuer="x")])
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "portfolio.md"
    >>> write_portfolio_report(out, p).read_text().splitlines()[0]
    '# Certificate portfolio'
    """
    from maturity_model._writing import write_atomic

    target_path = Path(path)
    render = (portfolio_markdown if target_path.suffix.lower() in MARKDOWN_SUFFIXES
              else portfolio_html)
    write_atomic(target_path, render(portfolio, by, as_of=as_of,
                                     lapsing_before=lapsing_before))
    return target_path
