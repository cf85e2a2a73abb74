"""Who may do what with the shared catalogue.

The catalogue is shared by every school: anyone signed in may read it.
Importing and the import history belong to catalogue maintainers, who hold
the ``tasks.import_catalogue`` permission.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import CatalogueImport

IMPORT_PERMISSION = "tasks.import_catalogue"


def can_import(user: User | AnonymousUser) -> bool:
    return user.has_perm(IMPORT_PERMISSION)


def get_import(user: User | AnonymousUser, pk: int) -> CatalogueImport:
    """The import ``pk``; 403 for anyone who may not see imports, 404 if there is none."""
    if not can_import(user):
        raise PermissionDenied
    return get_object_or_404(CatalogueImport.objects.select_related("created_by"), pk=pk)
