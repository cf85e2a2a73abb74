"""The one rule for loading the content shipped in ``fixtures/`` after ``migrate``.

Each app loads its own part from its ``post_migrate`` receiver: the catalogue its task
overview (``tasks.receivers``), the guidelines their step plan (``guidelines.receivers``).
Both ask :func:`loads_shipped_content` first, so an install needs nothing but ``migrate`` to
be usable in the browser, and what each loads is decided by its own service, which never
replaces what is there.
"""

from __future__ import annotations

import sys
from typing import TextIO

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def loads_shipped_content(using: str) -> bool:
    """Whether a ``post_migrate`` on database ``using`` loads the shipped content.

    Only with ``LOAD_SHIPPED_CONTENT`` on, on the default database, and once no migration is
    left to apply: a partial ``migrate`` (to an older migration) leaves tables out.
    """
    if not settings.LOAD_SHIPPED_CONTENT or using != DEFAULT_DB_ALIAS:
        return False
    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def say(line: str, *, verbosity: int, stdout: TextIO | None) -> None:
    """Print what was loaded where ``migrate`` prints (silent at ``--verbosity 0``)."""
    if verbosity:
        (stdout or sys.stdout).write(f"  {line}\n")
