"""Demo accounts: one regulator per region, a national observer, an institution user per region."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from ticcoop.accounts.roles import Role
from ticcoop.accounts.services import create_user
from ticcoop.regions.models import Region

DEMO_PASSWORD = "ticcoop-demo"  # noqa: S105 - documented demo credential for local use only
# Login prefixes per region code (pinyin initials); a new region falls back to its code.
# The demo accounts that need a second factor share this published TOTP secret (base32
# DEMO_TOTP_SECRET, for an authenticator app; `ticcoop demo-totp USER` prints the current code).
# Local demos only: anyone can read it here.
DEMO_TOTP_KEY = "7469636330306f702d64656d6f2d746f74702121"
DEMO_TOTP_SECRET = "ORUWGYZQGBXXALLEMVWW6LLUN52HAIJB"  # noqa: S105 - base32 of DEMO_TOTP_KEY
REGION_LOGIN_PREFIX = {"11": "bj", "12": "tj", "13": "heb", "14": "sx", "15": "nm"}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    region: str


@cache
def demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)  # hashed once for all accounts: PBKDF2 is slow on purpose


def region_prefix(region: Region) -> str:
    return REGION_LOGIN_PREFIX.get(region.code, f"r{region.code}")


def create_demo_accounts(password_hash: str) -> list[DemoAccount]:
    accounts = [DemoAccount("admin", "superuser", "")]
    admin = create_user(
        actor=None, username="admin", password=None, role=None, display_name="平台管理员"
    )
    User.objects.filter(pk=admin.pk).update(
        is_superuser=True, is_staff=True, password=password_hash
    )
    observer = create_user(
        actor=None,
        username="observer",
        password=None,
        role=Role.NATIONAL_OBSERVER,
        display_name="总局观察员",
    )
    accounts.append(DemoAccount(observer.username, Role.NATIONAL_OBSERVER, ""))
    for region in Region.objects.filter(is_active=True):
        user = create_user(
            actor=None,
            username=f"{region_prefix(region)}_regulator",
            password=None,
            role=Role.REGULATOR,
            region=region,
            display_name=f"{region.name_zh}市场监管局",
        )
        accounts.append(DemoAccount(user.username, Role.REGULATOR, region.code))
    User.objects.exclude(pk=admin.pk).update(password=password_hash)
    give_demo_second_factor([admin, observer, *User.objects.filter(groups__name=Role.REGULATOR)])
    return accounts


def give_demo_second_factor(users: list[User]) -> None:
    """Demo accounts that must use TOTP get a device with the published demo secret."""
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="demo", key=DEMO_TOTP_KEY, confirmed=True) for user in users
    )
