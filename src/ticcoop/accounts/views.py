"""The second-factor pages: verify a code after the password, enrol a TOTP app, recovery codes."""

from __future__ import annotations

import io
from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from ticcoop.accounts import services
from ticcoop.accounts.queries import confirmed_totp_device, second_factor_required


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return "/"


def _step(request: HttpRequest, url_name: str) -> HttpResponse:
    return redirect(f"{reverse(url_name)}?{urlencode({'next': _next_url(request)})}")


def _is_verified(request: HttpRequest) -> bool:
    return bool(request.user.is_verified())  # type: ignore[union-attr]


@never_cache
@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    if _is_verified(request):
        return redirect(_next_url(request))
    if confirmed_totp_device(request.user) is None:
        return _step(request, "two-factor-setup")
    error = ""
    if request.method == "POST":
        device = services.verify_second_factor(request.user, request.POST.get("token", ""))  # type: ignore[arg-type]
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        error = _("验证码不正确、已使用或已过期。多次错误后需等待片刻再试。")
    return render(request, "accounts/verify.html", {"error": error, "next": _next_url(request)})


@never_cache
@login_required
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    # Someone holding only the password must not be able to replace the enrolled device.
    if confirmed_totp_device(request.user) is not None and not _is_verified(request):
        return _step(request, "two-factor-verify")
    device = services.start_totp_enrolment(request.user)  # type: ignore[arg-type]
    error = ""
    if request.method == "POST":
        try:
            confirmed, codes = services.confirm_totp_enrolment(
                request.user,  # type: ignore[arg-type]
                request.POST.get("token", ""),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            otp_login(request, confirmed)  # the code just given proves the new device
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
    return render(
        request,
        "accounts/setup.html",
        {
            "secret": b32encode(device.bin_key).decode(),
            "required": second_factor_required(request.user),
            "enrolled": confirmed_totp_device(request.user) is not None,
            "error": error,
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
def second_factor_qr(request: HttpRequest) -> HttpResponse:
    """The pending device's otpauth:// URL as an SVG QR code, drawn here (no outside service)."""
    if confirmed_totp_device(request.user) is not None and not _is_verified(request):
        return HttpResponse(status=403)
    device = services.start_totp_enrolment(request.user)  # type: ignore[arg-type]
    svg = io.BytesIO()
    segno.make(device.config_url, error="m").save(svg, kind="svg", scale=5, border=4)
    return HttpResponse(svg.getvalue(), content_type="image/svg+xml")


@never_cache
@login_required
@require_POST
def second_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    if not _is_verified(request):
        return redirect("two-factor-verify")
    try:
        codes = services.regenerate_recovery_codes(request.user)  # type: ignore[arg-type]
    except ValidationError:
        return redirect("two-factor-setup")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/"})
