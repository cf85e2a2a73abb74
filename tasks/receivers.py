"""Plumbing: the task overview shipped in ``fixtures/`` in an empty catalogue after ``migrate``."""

from __future__ import annotations

from typing import Any, TextIO

from ictteam.first_run import loads_shipped_content, say

from .services import load_shipped_catalogue


def load_catalogue_after_migrate(
    *, using: str, verbosity: int = 1, stdout: TextIO | None = None, **kwargs: Any
) -> None:
    if not loads_shipped_content(using):
        return
    outcome = load_shipped_catalogue()
    if outcome is not None:
        say(
            f"Loaded the shipped task catalogue: {outcome.record.created} tasks.",
            verbosity=verbosity,
            stdout=stdout,
        )
