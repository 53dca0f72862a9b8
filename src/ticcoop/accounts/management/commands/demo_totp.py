"""ticcoop demo-totp USER: the current sign-in code of a demo account (local demos only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ticcoop.accounts.demo import DEMO_TOTP_KEY, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "显示演示账号当前的两步验证码（仅限使用公开演示密钥的账号）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="演示账号，如 bj_regulator、observer、admin")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        # Only devices holding the published demo secret: this is no way around a real device.
        device = TOTPDevice.objects.filter(
            user__username=username, confirmed=True, key=DEMO_TOTP_KEY
        ).first()
        if device is None:
            raise CommandError(f"{username[:64]!r} 不是使用演示密钥的账号（见 README：两步验证）")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        code = f"{totp.token():0{device.digits}d}"
        remaining = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(code)
        self.stderr.write(
            f"（{remaining} 秒内有效，每个验证码只能用一次；验证器密钥 {DEMO_TOTP_SECRET}）"
        )
