"""Writes on people and roles."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ticcoop.accounts.audit import audit_as
from ticcoop.accounts.models import Profile
from ticcoop.accounts.queries import access_record_change, access_region_write
from ticcoop.accounts.roles import STAFF_ROLES, Role
from ticcoop.regions.models import Region


@transaction.atomic
def create_user(
    *,
    actor: Any,
    username: str,
    password: str | None,
    role: Role | None,
    region: Region | None = None,
    display_name: str = "",
    email: str = "",
) -> User:
    with audit_as(actor):
        user = User(username=username, email=email, is_staff=role in STAFF_ROLES)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        Profile.objects.create(user=user, region=region, display_name=display_name)
        if role is not None:
            user.groups.add(Group.objects.get(name=role.value))
    return user


@transaction.atomic
def save_scoped_record(actor: Any, record: models.Model) -> models.Model:
    """Create or change a region-scoped record: scope check (old and new region), validation."""
    access_record_change(actor, record)
    record.full_clean()
    with audit_as(actor):
        record.save()
    return record


@transaction.atomic
def delete_scoped_record(actor: Any, record: models.Model) -> None:
    access_region_write(actor, record)
    with audit_as(actor):
        record.delete()


# --- Second factor (TOTP + recovery codes) --------------------------------------------------
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "TOTP"
RECOVERY_DEVICE_NAME = "recovery"


def _log_sign_in_event(actor: Any, user: User, event: str) -> None:
    """Devices hold secrets and are kept out of the audit trail; the event is logged on the user."""
    LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"second_factor": ["", event]},
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def start_totp_enrolment(user: User) -> TOTPDevice:
    """The unconfirmed device whose QR code the setup page shows (one per user, kept on reload)."""
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").last()
    if pending is not None:
        return pending
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def confirm_totp_enrolment(user: User, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending device with a code from the app; replace older devices and codes."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .last()
    )
    if device is None:
        raise ValidationError(_("没有待确认的验证器，请重新打开绑定页面。"), code="no_pending")
    if not device.verify_token(token.strip()):
        raise ValidationError(_("验证码不正确或已过期，请输入验证器上当前的 6 位数字。"))
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _replace_recovery_codes(user)
    _log_sign_in_event(user, user, "totp enrolled")
    return device, codes


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _index in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def regenerate_recovery_codes(user: User) -> list[str]:
    """New recovery codes for a user with an enrolled TOTP device; the old ones stop working."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("请先绑定验证器。"), code="no_device")
    codes = _replace_recovery_codes(user)
    _log_sign_in_event(user, user, "recovery codes replaced")
    return codes


@transaction.atomic
def verify_second_factor(user: User, token: str) -> Device | None:
    """The device that accepts ``token`` (a TOTP code or an unused recovery code), or None.

    The devices count failures themselves (django-otp throttling: each failure doubles the wait)
    and a TOTP code is accepted once only; a recovery code is used up.
    """
    token = token.strip().replace(" ", "")
    if not token or len(token) > 16:
        return None
    # Six digits are an app's code, anything else a recovery code: trying a recovery code
    # on the TOTP device would count as a failure there and slow the next real code down.
    model: type[Device] = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    devices = model.objects.select_for_update().filter(user=user, confirmed=True)
    for device in devices:
        if device.verify_is_allowed()[0] and device.verify_token(token):
            if isinstance(device, StaticDevice):
                _log_sign_in_event(user, user, "recovery code used")
            return device
    return None


@transaction.atomic
def reset_second_factor(actor: Any, user: User) -> None:
    """An administrator removes a user's devices (lost phone): the next sign-in enrols anew."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("只有平台管理员可以重置两步验证。"))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _log_sign_in_event(actor, user, "second factor reset")


@transaction.atomic
def unlock_sign_in(actor: Any, users: list[User]) -> int:
    """Forget the failed sign-ins of these accounts (django-axes), ending their lockout now.

    A lockout by address is lifted with ``ticcoop axes_reset_ip ADDRESS`` (or the cool-off).
    """
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("只有平台管理员可以解除登录锁定。"))
    removed = 0
    for user in users:
        removed += axes_reset(username=user.get_username())
        _log_sign_in_event(actor, user, "sign-in lockout lifted")
    return removed
