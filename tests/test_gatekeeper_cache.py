"""The per-process copy of the rules: no rule query per write, and a saved rule acts at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leadflow.core.errors import RuleViolation
from leadflow.core.writes import WriteContext
from leadflow.customers.services import customer_create
from leadflow.gatekeeper.gate import clear_rule_cache
from leadflow.gatekeeper.models import Rule


@pytest.fixture
def cached(settings):
    settings.GATE_RULES_CACHE_SECONDS = 60
    clear_rule_cache()
    yield
    clear_rule_cache()


def test_it_reads_the_rules_once_and_sees_a_saved_rule_at_once(cast, cached):
    ctx = WriteContext(actor=cast.rep1)
    customer_create(ctx=ctx, name="甲公司")
    with CaptureQueriesContext(connection) as queries:
        customer_create(ctx=ctx, name="乙公司")
    assert not any("gatekeeper_rule" in q["sql"] for q in queries.captured_queries)
    Rule.objects.create(
        key="phone-required", name="电话必填", entity="customer", kind="required", fields=["phone"],
        severity="block", message_zh="请填写电话",
    )
    with pytest.raises(RuleViolation):
        customer_create(ctx=ctx, name="丙公司")
    rule = Rule.objects.get(key="phone-required")
    rule.active = False
    rule.save()
    customer_create(ctx=ctx, name="丙公司")
