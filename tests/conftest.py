"""The fixed cast for permission tests, and shared fixtures.

Org: 华东 region (director) → 杭州仓山店 (team A: manager1, rep1, rep2) and 苏州相城店
(team B: manager2, rep3); 华南 region → 广州天河店 (team C: rep4). Plus finance and admin.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from leadflow.org.models import Branch, Region, Role, Team, User
from leadflow.org.tokens import token_create
from tests.factories import CustomerFactory


@dataclass
class Cast:
    rep1: User
    rep2: User  # rep1's teammate
    rep3: User  # another team, same region
    rep4: User  # another region
    manager1: User
    manager2: User
    director: User
    finance: User
    admin: User
    east: Region
    south: Region

    def all(self) -> dict[str, User]:
        return {k: v for k, v in vars(self).items() if isinstance(v, User)}


def _user(username: str, role: str, **extra) -> User:
    user = User.objects.create_user(username=username, password="pw-Leadflow-1", role=role, **extra)
    return user


@pytest.fixture
def cast(db) -> Cast:
    east = Region.objects.create(name="华东", code="east")
    south = Region.objects.create(name="华南", code="south")
    hz = Branch.objects.create(region=east, name="杭州仓山店", kind="store", city="杭州市")
    sz = Branch.objects.create(region=east, name="苏州相城店", kind="store", city="苏州市")
    gz = Branch.objects.create(region=south, name="广州天河店", kind="store", city="广州市")
    team_a = Team.objects.create(branch=hz, name="一组")
    team_b = Team.objects.create(branch=sz, name="一组")
    team_c = Team.objects.create(branch=gz, name="一组")
    manager1 = _user("manager1", Role.MANAGER, team=team_a, display_name="王经理")
    manager2 = _user("manager2", Role.MANAGER, team=team_b, display_name="赵经理")
    team_a.manager = manager1
    team_a.save()
    team_b.manager = manager2
    team_b.save()
    director = _user("director", Role.DIRECTOR, region=east, display_name="周总监")
    east.owner = director
    east.save()
    return Cast(
        rep1=_user("rep1", Role.REP, team=team_a, display_name="李明"),
        rep2=_user("rep2", Role.REP, team=team_a, display_name="张伟"),
        rep3=_user("rep3", Role.REP, team=team_b, display_name="陈静"),
        rep4=_user("rep4", Role.REP, team=team_c, display_name="黄强"),
        manager1=manager1,
        manager2=manager2,
        director=director,
        finance=_user("finance", Role.FINANCE, display_name="刘会计"),
        admin=_user("admin", Role.ADMIN, is_staff=True, is_superuser=True, display_name="管理员"),
        east=east,
        south=south,
    )


@pytest.fixture
def customers(cast):
    """One customer per rep, keyed by the owner's username."""
    return {name: CustomerFactory(owner=getattr(cast, name), name=f"{name}的客户") for name in ("rep1", "rep2", "rep3", "rep4")}


@pytest.fixture
def login(client):
    def _login(user: User) -> Client:
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api_client(db):
    """An HTTP client that sends a bearer token for the given user."""

    def _make(user: User) -> Client:
        return Client(headers={"Authorization": f"Bearer {token_create(user=user)}"})

    return _make


@pytest.fixture
def api_en(db):
    """Like ``api_client``, asking for English so tests can read the messages."""

    def _make(user: User) -> Client:
        return Client(headers={"Authorization": f"Bearer {token_create(user=user)}", "Accept-Language": "en"})

    return _make


def pytest_configure(config) -> None:
    """Compile the translations (.po → .mo) before any page renders, so the Chinese UI is
    tested even when `make setup` has not run since the last .po change."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scripts" / "build_static.py"
    spec = importlib.util.spec_from_file_location("leadflow_build_static", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.compile_messages()
