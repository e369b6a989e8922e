"""`leadflow token create USERNAME [--name NAME]` prints a new personal API token as its last line.
`leadflow token list USERNAME`, `leadflow token revoke PREFIX`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from leadflow.org.models import User
from leadflow.org.tokens import token_create, token_revoke


class Command(BaseCommand):
    help = "Manage personal API tokens."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", default="cli")
        listing = sub.add_parser("list")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args, action: str, **options) -> None:
        if action == "create":
            user = self._user(options["username"])
            key = token_create(user=user, name=options["name"])
            self.stderr.write(f"New API token for {user.username} — it is shown only once:")
            self.stdout.write(key)
        elif action == "list":
            user = self._user(options["username"])
            for t in user.api_tokens.order_by("created_at"):
                state = "revoked" if t.revoked_at else "active"
                self.stdout.write(f"{t.key_prefix}…  {t.name}  {t.created_at:%Y-%m-%d %H:%M}  {state}")
        elif action == "revoke":
            if not token_revoke(prefix=options["prefix"]):
                raise CommandError("No active token with that prefix.")
            self.stdout.write("revoked")

    def _user(self, username: str) -> User:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
