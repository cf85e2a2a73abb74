"""Onboarding pages: staff import, invitations, managing rights, new schools, languages."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from ictteam.http import AuthenticatedHttpRequest, HtmxHttpRequest
from teams import access
from teams.models import (
    AccountSettings,
    Membership,
    Post,
    School,
    SchoolGroup,
    StaffImport,
)
from teams.staff import invitations, rights, staff_file
from teams.staff import staff_import as importing
from teams.staff.onboarding_forms import (
    InviteForm,
    NewGroupForm,
    NewSchoolForm,
    RightsForm,
    StaffImportForm,
    ThrottledPasswordResetForm,
)

REASONS = {
    "expired": gettext_lazy("This invitation has expired. Ask your director to send a new one."),
    "used": gettext_lazy("This invitation has already been used. Log in with your e-mail address."),
    "withdrawn": gettext_lazy("This invitation was withdrawn."),
    "replaced": gettext_lazy("A newer invitation was sent: use the link in the latest e-mail."),
    "invalid": gettext_lazy("This link is not valid. Check that you copied it completely."),
    "rights": gettext_lazy(
        "Whoever invited you can no longer give the rights of this invitation. Ask your "
        "director to send it again."
    ),
    "account": gettext_lazy(
        "There is already an account for this e-mail address. Log in with it; if you forgot "
        "its password, choose a new one from the login page."
    ),
}


def _staff_detail(school: School, member_id: int) -> HttpResponse:
    return redirect("teams:staff_detail", school.pk, member_id)


# --- Staff import ------------------------------------------------------------------------------


def staff_import(request: AuthenticatedHttpRequest, school_id: int) -> HttpResponse:
    """Upload a staff list; its preview follows on the import's own page."""
    school = access.get_school(request.user, school_id, manage=True)
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(staff_file.max_bytes() + 1)  # one byte over is enough to refuse
        record = importing.start_import(
            school=school, data=data, file_name=upload.name, user=request.user
        )
        return redirect(record)
    return render(request, "teams/staff_import.html", {"school": school, "form": form})


def staff_import_preview(request: HtmxHttpRequest, school_id: int, import_id: int) -> HttpResponse:
    """An import's page: its progress while a job reads the file, then the preview to
    confirm (or the problems found, or what it did)."""
    school = access.get_school(request.user, school_id, manage=True)
    record = access.get_staff_import(school, import_id)
    reading = record.status == StaffImport.Status.ANALYSING
    if request.htmx and reading:
        return render(request, "teams/staff_import.html#progress", {"record": record})
    if request.htmx:
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    plan = importing.preview(record) if record.status == StaffImport.Status.PREVIEW else None
    context = {
        "school": school,
        "record": record,
        "plan": plan,
        "endable": {
            member.pk
            for member in (plan.missing if plan else [])
            if access.may_end_appointment(request.user, member, school)
        },
        "errors": [staff_file.StaffImportError.from_stored(error) for error in record.errors],
        "form": StaffImportForm(),
        "post_choices": [(importing.KEEP, importing.post_label(importing.KEEP)), *Post.choices],
    }
    return render(request, "teams/staff_import.html", context)


@require_POST
def staff_import_confirm(
    request: AuthenticatedHttpRequest, school_id: int, import_id: int
) -> HttpResponse:
    """Apply a previewed import once, or first take the posts the director chose."""
    school = access.get_school(request.user, school_id, manage=True)
    record = access.get_staff_import(school, import_id)
    prefix = "post:"
    choices = {
        key[len(prefix) :]: request.POST.get(key, "")
        for key in request.POST
        if key.startswith(prefix)
    }
    try:
        if importing.choose_posts(record=record, choices=choices):
            messages.info(
                request, _("The preview now shows the posts you chose. Check it, then confirm.")
            )
            return redirect(record)
        if request.POST.get("action") != "confirm":
            return redirect(record)
        plan = importing.confirm_import(
            record=record,
            fingerprint=request.POST.get("fingerprint", ""),
            end_for=_ids(request.POST.getlist("end")),
            by=request.user,
        )
    except importing.PlanChanged:
        messages.error(request, _("The staff changed since the preview: check the new preview."))
        return redirect(record)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(record)
    messages.success(
        request,
        _("Staff list imported: %(new)s added, %(changed)s changed, %(unchanged)s unchanged.")
        % {"new": len(plan.new), "changed": len(plan.changed), "unchanged": len(plan.unchanged)},
    )
    return redirect("teams:staff", school.pk)


@require_POST
def staff_import_cancel(
    request: AuthenticatedHttpRequest, school_id: int, import_id: int
) -> HttpResponse:
    school = access.get_school(request.user, school_id, manage=True)
    record = access.get_staff_import(school, import_id)
    importing.cancel_import(record=record)
    messages.info(request, _("The import was cancelled; nothing was changed."))
    return redirect("teams:staff_import", school.pk)


def _ids(values: list[str]) -> list[int]:
    """The ids of the people ticked; anything else is refused, so nobody is left out unseen."""
    if not all(value.isascii() and value.isdigit() for value in values):
        raise ValidationError(_("Whose appointment ends was not understood: tick them again."))
    return [int(value) for value in values]


# --- Invitations and rights ---------------------------------------------------------------------


@require_POST
def invite(request: AuthenticatedHttpRequest, school_id: int, member_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id, manage=True)
    member = access.get_staff_member(request.user, school, member_id)
    form = InviteForm(request.POST, kinds=rights.grantable(request.user, school))
    if not form.is_valid():
        messages.error(request, str(next(iter(form.errors.values()))[0]))
        return _staff_detail(school, member.pk)
    try:
        invitations.invite_staff_member(
            member=member,
            school=school,
            invited_by=request.user,
            language=form.cleaned_data["language"],
            kind=form.cleaned_data["kind"],
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("An invitation was sent to %(email)s.") % {"email": member.email}
        )
    return _staff_detail(school, member.pk)


@require_POST
def invitation_resend(
    request: AuthenticatedHttpRequest, school_id: int, invitation_id: int
) -> HttpResponse:
    school = access.get_school(request.user, school_id, manage=True)
    invitation = access.get_invitation(school, invitation_id)
    try:
        invitations.resend(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("The invitation was sent again to %(email)s.") % {"email": invitation.email}
        )
    return _back_from_invitation(school, invitation)


@require_POST
def invitation_withdraw(
    request: AuthenticatedHttpRequest, school_id: int, invitation_id: int
) -> HttpResponse:
    school = access.get_school(request.user, school_id, manage=True)
    invitation = access.get_invitation(school, invitation_id)
    try:
        invitations.withdraw(invitation=invitation)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The invitation was withdrawn; its link no longer works."))
    return _back_from_invitation(school, invitation)


def _back_from_invitation(school: School, invitation: Any) -> HttpResponse:
    if invitation.staff_member_id:
        return _staff_detail(school, invitation.staff_member_id)
    return redirect("teams:staff", school.pk)


@require_POST
def set_rights(request: AuthenticatedHttpRequest, school_id: int, member_id: int) -> HttpResponse:
    """Give or take a person's managing rights; a school group's administrator may too, so a
    school that lost its director can be given one."""
    school = access.get_school(request.user, school_id)
    member = access.get_staff_member(request.user, school, member_id)
    if not access.may_change_rights(request.user, member, school):
        raise PermissionDenied
    form = RightsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the rights to give."))
        return _staff_detail(school, member.pk)
    try:
        rights.set_rights(
            member=member, school=school, kind=form.cleaned_data["kind"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("The rights of %(name)s were saved.") % {"name": member.full_name}
        )
    return _staff_detail(school, member.pk)


# --- Accepting an invitation ----------------------------------------------------------------------


@login_not_required
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind the e-mail's link: choose a password, get the account, land on my tasks."""
    try:
        invitation = invitations.invitation_for_token(token)
    except invitations.InvalidInvitation as invalid:
        return render(
            request,
            "teams/invitation_invalid.html",
            {"reason": REASONS[invalid.reason]},
            status=410 if invalid.reason != "invalid" else 404,
        )
    translation.activate(invitation.language)
    request.LANGUAGE_CODE = invitation.language
    future = User(
        username=invitation.email,
        email=invitation.email,
        first_name=invitation.staff_member.first_name if invitation.staff_member else "",
        last_name=invitation.staff_member.last_name if invitation.staff_member else "",
    )
    form = SetPasswordForm(future, request.POST or None)
    form.fields["new_password1"].widget.attrs["autofocus"] = True
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept(
                invitation=invitation, password=form.cleaned_data["new_password1"]
            )
        except invitations.InvalidInvitation as invalid:
            return render(
                request,
                "teams/invitation_invalid.html",
                {"reason": REASONS[invalid.reason]},
                status=410,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            target = "teams:my_tasks" if invitation.kind == Membership.Kind.STAFF else "home"
            response = redirect(target)
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, invitation.language)
            return response
    return render(request, "teams/accept_invitation.html", {"invitation": invitation, "form": form})


# --- New school groups and schools -------------------------------------------------------------


def new_school_group(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A platform administrator creates a school group and invites its first administrator."""
    access.require_platform_admin(request.user)
    form = NewGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = invitations.found_school_group(
                name=data["name"],
                newcomer=_newcomer(data),
                invited_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(group)s was created and %(email)s was invited.")
                % {"group": group.name, "email": data["email"]},
            )
            return redirect("teams:schools")
    return render(request, "teams/school_new.html", {"form": form, "title": _("New school group")})


def new_school(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A platform administrator creates a school (alone or in a group) and invites its director."""
    access.require_platform_admin(request.user)
    return _new_school(request, None, groups=SchoolGroup.objects.all())


def new_school_group_school(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    """A school group's administrator adds a school to the group and invites its director."""
    group = access.get_school_group(request.user, group_id)
    return _new_school(request, group, groups=None)


def _new_school(
    request: AuthenticatedHttpRequest, group: SchoolGroup | None, *, groups: Any
) -> HttpResponse:
    form = NewSchoolForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            school = invitations.found_school(
                name=data["name"],
                institution_number=data["institution_number"],
                school_group=group or data.get("school_group"),
                newcomer=_newcomer(data),
                invited_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(school)s was created and %(email)s was invited as its director.")
                % {"school": school.name, "email": data["email"]},
            )
            return redirect(group or "teams:schools")
    title = _("New school in %(group)s") % {"group": group.name} if group else _("New school")
    return render(request, "teams/school_new.html", {"form": form, "title": title})


def _newcomer(data: dict[str, Any]) -> invitations.Newcomer:
    return invitations.Newcomer(
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        language=data["language"],
    )


# --- Language and password reset ------------------------------------------------------------------


@login_not_required
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also keeps the choice on a signed-in account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        AccountSettings.objects.update_or_create(
            user_id=request.user.pk, defaults={"language": language}
        )
    return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def get_form_kwargs(self) -> dict[str, Any]:
        # The real client behind the reverse proxies, as axes counts it.
        return super().get_form_kwargs() | {"client_ip": get_client_ip_address(self.request) or ""}

    def form_invalid(self, form: PasswordResetForm) -> HttpResponse:
        response = super().form_invalid(form)
        if isinstance(form, ThrottledPasswordResetForm) and form.limit_reached:
            response.status_code = 429
        return response
