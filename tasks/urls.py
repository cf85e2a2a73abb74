from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("tasks/<int:pk>/", views.task_detail, name="detail"),
    path("export/", views.export, name="export"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
]
