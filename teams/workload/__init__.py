"""Workload: what every person carries, against their budget, and what is at risk.

One door for everything about workload:

- :mod:`.calculator` is the only definition of the rule, a plain function over
  rows (see its docstring for the rule itself);
- :mod:`.loading` loads those rows for one school or many in a fixed number of
  queries;
- :mod:`.figures` keeps the stored figures, a cache of the calculator's output:
  :func:`mark_changed` is the entry every change goes through (services, admin,
  commands); jobs recalculate what was marked;
- :mod:`.reading` gives pages the figures: live for the board and staff pages,
  stored for the dashboards;
- :mod:`.jobs` holds the thin Celery wrappers (registered through ``teams.jobs``).

Jobs import services, never the other way round: :mod:`.figures` hands work to
jobs only through :func:`mark_changed` and :func:`fan_out`.

The models import the calculator, so the submodules that need the models load
on first use of their names here (PEP 562), not when this package is imported.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_PUBLIC = {
    "mark_changed": ".figures",
    "fan_out": ".figures",
    "mark_everything": ".figures",
    "schools_of": ".figures",
    "recalculate": ".figures",
    "calculate_school": ".figures",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
