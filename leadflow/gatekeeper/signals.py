"""Cache invalidation only: a saved or deleted rule clears this process's copy of the rules."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from leadflow.gatekeeper.gate import clear_rule_cache
from leadflow.gatekeeper.models import Rule


@receiver([post_save, post_delete], sender=Rule)
def rules_changed(**kwargs) -> None:
    clear_rule_cache()
