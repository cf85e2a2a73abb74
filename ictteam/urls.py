from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from teams.staff.views import onboarding

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", onboarding.set_language, name="set_language"),
    path("welcome/<str:token>/", onboarding.accept_invitation, name="accept_invitation"),
    path("password-reset/", onboarding.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("catalogue/", include("tasks.urls")),
    path("schools/", include("teams.urls")),
    path("guidelines/", include("guidelines.urls")),
    path("health/", login_not_required(views.HealthView.as_view()), name="health"),
    # Only the OpenID Connect flow of allauth: password login stays on LoginView (axes).
    path("accounts/", include("teams.staff.social")),
    path("admin/", admin.site.urls),
]
