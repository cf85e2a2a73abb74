"""Plumbing: the step plan shipped in ``fixtures/guidelines/``, published, after ``migrate``."""

from __future__ import annotations

from typing import Any, TextIO

from ictteam.first_run import loads_shipped_content, say

from .definitions import load_shipped


def load_step_plan_after_migrate(
    *, using: str, verbosity: int = 1, stdout: TextIO | None = None, **kwargs: Any
) -> None:
    if not loads_shipped_content(using):
        return
    report = load_shipped()
    if report is not None:
        say(
            f"Loaded and published the shipped step plan: {report.version}.",
            verbosity=verbosity,
            stdout=stdout,
        )
