"""Jobs of the core app."""

from __future__ import annotations

from django_tasks import task


@task()
def ping(value: str) -> str:
    """A job that does nothing but answer: used to check the worker end to end."""
    return value
