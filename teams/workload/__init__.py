"""Workload: what every person carries, against their budget, and what is at risk.

One door for everything about workload:

- :mod:`.calculator` is the only definition of the rule, a plain function over
  rows (see its docstring for the rule itself); it imports nothing of the
  project, so the models can use it;
- :mod:`.loading` loads those rows for one school or many in a fixed number of
  queries;
- :mod:`.figures` keeps the stored figures, a cache of the calculator's output:
  :func:`.figures.mark_changed` is the entry every change goes through
  (services, admin, commands); jobs recalculate what was marked;
- :mod:`.reading` gives pages the figures: live for the board and staff pages,
  stored for the dashboards;
- :mod:`.jobs` holds the thin Celery wrappers.

This package imports nothing itself: the models import the calculator, so
importing the package must not load the modules that need the models. Callers
import the module they use (``from teams.workload.figures import mark_changed``).
"""
