from __future__ import annotations

from django.utils import timezone

from leadflow.org.models import ApiToken, User


def token_create(*, user: User, name: str = "cli") -> str:
    """Create a token and return its secret; only its hash is stored."""
    key = ApiToken.new_key()
    ApiToken.objects.create(user=user, name=name[:100], key_prefix=key[:12], key_hash=ApiToken.hash_key(key))
    return key


def token_user(key: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    if not key or not key.startswith(ApiToken.PREFIX) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, prefix: str) -> bool:
    return bool(ApiToken.objects.filter(key_prefix=prefix, revoked_at__isnull=True).update(revoked_at=timezone.now()))
