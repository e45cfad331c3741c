"""Plugs the display functions into the core's registry; the package does it on import.

The core (profiles, models, diffs, cohorts, roadmaps) asks the registry for its HTML,
text and table formatters by name and never imports display code itself.
"""

from __future__ import annotations

from maturity_model._display_registry import register
from maturity_model._explain import explain
from maturity_model._html import (
    cohort_html,
    cohort_repr,
    diff_html,
    diff_repr,
    model_html,
    profile_html,
    roadmap_html,
    roadmap_repr,
)
from maturity_model._tables import frame, result_record
from maturity_model._versions_display import model_diff_html, model_diff_markdown

__all__ = ["wire_display"]


def wire_display() -> None:
    """Register every display function the core looks up (idempotent)."""
    register(explain=explain, frame=frame, result_record=result_record,
             profile_html=profile_html, model_html=model_html,
             cohort_html=cohort_html, cohort_repr=cohort_repr,
             diff_html=diff_html, diff_repr=diff_repr,
             roadmap_html=roadmap_html, roadmap_repr=roadmap_repr,
             model_diff_html=model_diff_html, model_diff_markdown=model_diff_markdown)
