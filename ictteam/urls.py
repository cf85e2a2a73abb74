from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from health_check.views import HealthCheckView

from . import views

health = HealthCheckView.as_view(
    checks=[
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "health_check.checks.Storage",
    ]
)

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", login_not_required(set_language), name="set_language"),
    path("catalogue/", include("tasks.urls")),
    path("schools/", include("teams.urls")),
    path("guidelines/", include("guidelines.urls")),
    path("health/", login_not_required(health), name="health"),
    path("admin/", admin.site.urls),
]
