from django.urls import path

from .views import overdue, pilots, plan, versions

app_name = "guidelines"

cycle = "schools/<int:school_id>/cycles/<int:cycle_id>/"

urlpatterns = [
    path("", plan.mine, name="mine"),
    path("schools/<int:school_id>/", plan.plan, name="plan"),
    path("schools/<int:school_id>/start/", plan.start, name="start"),
    path("schools/<int:school_id>/overdue-steps/", overdue.school_steps, name="school_steps"),
    path("overdue-steps/", overdue.my_steps, name="my_steps"),
    path("schools/<int:school_id>/cycles/", plan.history, name="history"),
    path(cycle, plan.cycle, name="cycle"),
    path(f"{cycle}items/<slug:item_key>/", plan.item, name="item"),
    path(f"{cycle}items/<slug:item_key>/tick/", plan.tick, name="tick"),
    path(f"{cycle}steps/<slug:step_key>/", plan.step, name="step"),
    path(f"{cycle}changes-seen/", plan.changes_seen, name="changes_seen"),
    path(f"{cycle}sharing/", plan.sharing, name="sharing"),
    path(f"{cycle}self-check/<str:moment>/", plan.self_check, name="self_check"),
    path("versions/", versions.version_list, name="versions"),
    path("versions/upload/", versions.upload, name="version_upload"),
    path("versions/<int:version_id>/", versions.version, name="version"),
    path("versions/<int:version_id>/publish/", versions.publish, name="version_publish"),
    path("pilots/", pilots.pilot_list, name="pilots"),
    path("pilots/<int:pilot_id>/", pilots.pilot, name="pilot"),
    path("pilots/<int:pilot_id>/export/", pilots.pilot_export, name="pilot_export"),
]
