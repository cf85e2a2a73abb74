import pytest

from tasks.models import TaskGroup


@pytest.fixture
def groups(db) -> dict[str, TaskGroup]:  # type: ignore[no-untyped-def]
    """The four standard groups, keyed by kind (created by a migration)."""
    return {group.kind: group for group in TaskGroup.objects.all()}
