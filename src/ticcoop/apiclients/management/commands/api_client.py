"""``ticcoop api-client create|revoke|list``: API clients for operators at the command line."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ticcoop.apiclients import services
from ticcoop.apiclients.models import ApiClient, Scope
from ticcoop.apiclients.queries import client_listing
from ticcoop.regions.models import Region
from ticcoop.registry.models import Institution


class Command(BaseCommand):
    help = "API clients: create (prints the token once), revoke, list"

    def add_arguments(self, parser: ArgumentParser) -> None:
        words = parser.add_subparsers(dest="action", required=True)
        create = words.add_parser("create")
        create.add_argument("--name", required=True)
        create.add_argument("--scope", required=True, choices=Scope.values)
        create.add_argument("--region", default="", help="two-digit region code, e.g. 13")
        create.add_argument("--institution", default="", help="credit code (institution scope)")
        create.add_argument("--days", type=int, default=None, help="token lifetime in days")
        revoke = words.add_parser("revoke")
        revoke.add_argument("name")
        words.add_parser("list")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    def _create(self, options: dict[str, Any]) -> None:
        region = None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"unknown region {options['region']}")
        institution = None
        if options["institution"]:
            institution = Institution.objects.filter(credit_code=options["institution"]).first()
            if institution is None:
                raise CommandError(f"unknown institution {options['institution']}")
        _client, token = services.create_client(
            None,
            name=options["name"],
            scope=options["scope"],
            region=region,
            institution=institution,
            days=options["days"],
        )
        self.stdout.write(token)

    def _revoke(self, options: dict[str, Any]) -> None:
        client = ApiClient.objects.filter(name=options["name"]).first()
        if client is None:
            raise CommandError(f"unknown API client {options['name']}")
        count = services.revoke_client(None, client)
        self.stdout.write(f"revoked {client.name}: {count} token(s)")

    def _list(self, options: dict[str, Any]) -> None:
        for client in client_listing():
            live = sum(1 for t in client.tokens.all() if t.is_usable())
            region = client.region.code if client.region else "-"
            state = "active" if client.is_active else "revoked"
            self.stdout.write(
                f"{client.name}\t{client.scope}\t{region}\t{state}\t{live} live token(s)"
            )
