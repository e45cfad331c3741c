"""``score(model, assessment) -> Profile``: DESIGN §2 applied to one assessment.

The layers are kept apart, as in OpenSSF Scorecard: answers are resolved to values
(:mod:`maturity_model.evidence`), the dependency policy is applied to the values, the
item rules turn each item's values into a result, and the aggregation rules roll results
up the tree to the model root. The function is pure: it reads the model and the
assessment and builds a new :class:`~maturity_model.Profile`.

Decisions where DESIGN §2 leaves room (also in the docs, "Scoring semantics"):

- ``enforce`` counts a practice as not met when any practice in its prerequisite closure
  (prerequisites of prerequisites, through N/A ones too) is neither met nor N/A; the
  result names its *direct* prerequisites that are unmet or blocked themselves.
- ``report`` and ``enforce`` list a violation per practice with a value above 0 and per
  requirement as written whose practices are not all met (values as answered).
- A domain's ``coverage`` is pooled over every practice below it.
"""

from __future__ import annotations

import datetime

from maturity_model._row_engine import score_row
from maturity_model.evidence import Assessment
from maturity_model.model import MaturityModel
from maturity_model.profile import Profile

__all__ = ["score"]


def score(model: MaturityModel, assessment: Assessment, *, strict: bool = True,
          as_of: datetime.date | None = None) -> Profile:
    """Score one assessment against a model.

    The model is compiled on first use (kept with it); results, coverage and counts are
    built when read.

    :param strict: when false, answers to practices the model lacks are dropped with a
        warning instead of being an error.
    :param as_of: the date standing for today. A practice marked ``evidence: required``
        counts as unknown while its answer has no evidence record, or none dated within
        its ``evidence_max_age_months`` of the assessment's date (of ``as_of`` when the
        assessment has none; of the real date when neither is given).
    :raises ModelValidationError: the model has error-level problems.
    :raises AssessmentValidationError: the assessment has problems (all listed): answers
        outside [0, 1], unknown labels, unknown practices, another model.

    >>> import maturity_model as mm
    >>> model = mm.MaturityModel(id="m", scale=mm.LevelScale.range(1, 5), domains=[
    ...     mm.Domain(id="d", items=[mm.CapabilityItem(id="vcs", practices=[
    ...         mm.Practice(id="vcs.1", level=1), mm.Practice(id="vcs.2", level=2),
    ...         *[mm.Practice(id=f"vcs.3.{i}", level=3) for i in range(5)]])])])
    >>> answers = {"vcs.1": True, "vcs.2": True, "vcs.3.0": True, "vcs.3.1": True,
    ...            "vcs.3.2": True, "vcs.3.3": False}
    >>> profile = mm.score(model, mm.Assessment(model="m", answers=answers))
    >>> profile["vcs"].level, profile["vcs"].score, profile["vcs"].missing
    (2, 2.6, ('vcs.3.3', 'vcs.3.4'))
    >>> profile["vcs"].counts
    Counts(met=5, partial=0, not_met=1, na=0, unknown=1)
    """
    return score_row(model, assessment, strict, as_of)
