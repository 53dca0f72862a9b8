"""Signing in users who need a second factor, in tests: test client and real browser."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ticcoop.accounts.queries import second_factor_required

# A fixed secret keeps browser tests readable; tests only, never a real account.
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key

_plain_force_login = ClientMixin.force_login


def totp_device(user: User, key: str = TEST_TOTP_KEY) -> TOTPDevice:
    """The user's confirmed TOTP device, made with ``key`` if there is none yet."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", key=key, confirmed=True)
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the device shows now; forgets the last used one so a test may sign in again."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def verify_session(client: Any, user: User) -> None:
    """Mark the client's session as verified by the user's TOTP device (as the verify page does)."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()


def force_login(client: Any, user: User, backend: str | None = None, verified: bool = True) -> None:
    """``Client.force_login`` that also passes the second factor for users who need one.

    The project's conftest installs this in place of ``force_login`` for every test, so tests
    written before two-factor sign-in keep working; ``verified=False`` gives the bare login.
    """
    _plain_force_login(client, user, backend)
    if verified and second_factor_required(user):
        verify_session(client, user)


def browser_login(page: Any, base_url: str, user: User, password: str, next_url: str = "") -> None:
    """Sign in on the real login page, then give the TOTP code when the platform asks for one."""
    if second_factor_required(user):
        totp_device(user)
    page.goto(f"{base_url}/login/" + (f"?next={next_url}" if next_url else ""))
    page.fill("input[name=username]", user.get_username())
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form.login button[type=submit]")
    browser_second_factor(page, user)


def browser_second_factor(page: Any, user: User) -> None:
    """On the verify page (where a sign-in lands for users with a device), give the code."""
    if "/account/two-factor/verify/" not in page.url:
        return
    page.fill("input[name=token]", current_code(totp_device(user)))
    with page.expect_navigation():
        page.click("form.two-factor button[type=submit]")
