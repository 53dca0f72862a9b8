"""Sign-in hardening (issue 11): lockout after failed passwords, TOTP second factor."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ticcoop.accounts import services
from ticcoop.accounts.demo import DEMO_TOTP_KEY
from ticcoop.accounts.roles import Role
from ticcoop.testing import factories
from ticcoop.testing.otp import current_code, totp_device

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str, next_url: str = "/") -> object:
    return client.post("/login/", {"username": username, "password": password, "next": next_url})


def test_fifty_wrong_passwords_lock_a_regulator_until_cool_off_or_unlock() -> None:
    regulator = factories.regulator("14")
    client = Client()
    statuses = [sign_in(client, regulator.username, "wrong").status_code for _ in range(50)]
    assert statuses[0] == 200  # the form again, with its error
    assert statuses[-1] == 429
    refused = sign_in(client, regulator.username, factories.PASSWORD)
    assert refused.status_code == 429
    assert "登录已暂时锁定" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # English visitors get the message in English.
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.cookies["django_language"] = "en"
    page = sign_in(english, regulator.username, factories.PASSWORD)
    assert page.status_code == 429
    assert "temporarily locked" in page.content.decode()

    # After the cool-off the right password works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert sign_in(client, regulator.username, factories.PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(regulator.pk)


def test_an_administrator_unlocks_an_account() -> None:
    regulator = factories.regulator("11")
    for _ in range(10):
        sign_in(Client(REMOTE_ADDR="10.0.0.1"), regulator.username, "wrong")
    assert sign_in(Client(REMOTE_ADDR="10.0.0.2"), regulator.username, "x").status_code == 429
    root = User.objects.create_superuser("root", "root@example.invalid", factories.PASSWORD)
    admin = Client()
    admin.force_login(root)
    response = admin.post(
        "/admin/auth/user/",
        {"action": "unlock_sign_in", "_selected_action": [regulator.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=regulator.username).exists()
    assert sign_in(Client(REMOTE_ADDR="10.0.0.3"), regulator.username, factories.PASSWORD)
    with pytest.raises(PermissionDenied, match="管理员"):
        services.unlock_sign_in(regulator, [regulator])


def test_one_address_trying_many_accounts_is_locked_too() -> None:
    victims = [factories.regulator("12") for _ in range(10)]
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for victim in victims:
        sign_in(attacker, victim.username, "wrong")
    other = factories.user(Role.INSTITUTION_USER, "12")
    assert sign_in(attacker, other.username, factories.PASSWORD).status_code == 429
    # The same account from another address is not locked by that address.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), other.username, factories.PASSWORD)


def test_a_regulator_without_a_device_must_enrol_before_anything_else() -> None:
    regulator = factories.regulator("13")
    client = Client()
    response = sign_in(client, regulator.username, factories.PASSWORD, "/supervision/")
    assert response.status_code == 302
    page = client.get("/supervision/")
    assert page.status_code == 302
    assert page["Location"].startswith("/account/two-factor/setup/?next=%2Fsupervision%2F")
    assert client.get("/api/supervision/batches").status_code == 403
    assert client.get("/admin/").status_code == 302
    setup = client.get(page["Location"])
    assert setup.status_code == 200
    assert "密钥" in setup.content.decode()
    qr = client.get("/account/two-factor/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content
    device = TOTPDevice.objects.get(user=regulator, confirmed=False)
    wrong = client.post("/account/two-factor/setup/", {"token": "000000", "next": "/supervision/"})
    assert "验证码不正确" in wrong.content.decode()
    done = client.post(
        "/account/two-factor/setup/", {"token": current_code(device), "next": "/supervision/"}
    )
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == services.RECOVERY_CODE_COUNT
    assert client.get("/supervision/").status_code == 200


def test_a_regulator_with_a_device_gives_the_code_then_works() -> None:
    regulator = factories.regulator("11")
    device = totp_device(regulator)
    client = Client()
    sign_in(client, regulator.username, factories.PASSWORD)
    redirect = client.get("/supervision/")
    assert redirect["Location"].startswith("/account/two-factor/verify/")
    # Knowing the password is not enough to replace the device.
    assert client.get("/account/two-factor/setup/").status_code == 302
    assert client.get("/account/two-factor/qr.svg").status_code == 403
    refused = client.post("/account/two-factor/verify/", {"token": "123456", "next": "/x/"})
    assert "验证码不正确" in refused.content.decode()
    code = current_code(device)
    ok = client.post("/account/two-factor/verify/", {"token": code, "next": "/supervision/"})
    assert ok.status_code == 302
    assert ok["Location"] == "/supervision/"
    assert client.get("/supervision/").status_code == 200
    # A code is good once: the same code cannot sign in a second session.
    thief = Client()
    sign_in(thief, regulator.username, factories.PASSWORD)
    thief.post("/account/two-factor/verify/", {"token": code})
    assert thief.get("/supervision/").status_code == 302


def test_a_recovery_code_works_once() -> None:
    regulator = factories.regulator("15")
    totp_device(regulator)
    codes = services.regenerate_recovery_codes(regulator)
    for attempt, expected in ((1, 200), (2, 302)):
        client = Client()
        sign_in(client, regulator.username, factories.PASSWORD)
        client.post("/account/two-factor/verify/", {"token": codes[0]})
        assert client.get("/supervision/").status_code == expected, attempt
    assert StaticToken.objects.filter(device__user=regulator).count() == len(codes) - 1


def test_the_admin_login_page_also_asks_for_the_code() -> None:
    root = User.objects.create_superuser("root", "root@example.invalid", factories.PASSWORD)
    client = Client()
    client.post("/admin/login/", {"username": "root", "password": factories.PASSWORD})
    assert client.get("/admin/")["Location"].startswith("/account/two-factor/setup/")
    bare = Client()
    bare.force_login(root, verified=False)
    assert bare.get("/admin/").status_code == 302
    verified = Client()
    verified.force_login(root)
    assert verified.get("/admin/").status_code == 200


def test_the_second_factor_is_optional_for_laboratories_until_they_enrol() -> None:
    lab = factories.user(Role.INSTITUTION_USER, "13")
    client = Client()
    sign_in(client, lab.username, factories.PASSWORD)
    assert client.get("/pt/").status_code == 200
    totp_device(lab)
    again = Client()
    sign_in(again, lab.username, factories.PASSWORD)
    assert again.get("/pt/")["Location"].startswith("/account/two-factor/verify/")


def test_an_administrator_resets_a_lost_device() -> None:
    regulator = factories.regulator("12")
    totp_device(regulator)
    root = User.objects.create_superuser("root", "root@example.invalid", factories.PASSWORD)
    services.reset_second_factor(root, regulator)
    assert not TOTPDevice.objects.filter(user=regulator).exists()
    client = Client()
    sign_in(client, regulator.username, factories.PASSWORD)
    assert client.get("/")["Location"].startswith("/account/two-factor/setup/")


def test_demo_totp_prints_the_code_of_a_demo_account_only() -> None:
    regulator = factories.regulator("11")
    device = TOTPDevice.objects.create(user=regulator, key=DEMO_TOTP_KEY, confirmed=True)
    out = StringIO()
    call_command("demo_totp", regulator.username, stdout=out, stderr=StringIO())
    assert out.getvalue().strip() == current_code(device)
    other = factories.regulator("12")
    totp_device(other)
    with pytest.raises(CommandError, match="演示密钥"):
        call_command("demo_totp", other.username, stdout=StringIO())
