from django.db import migrations

# The default rule set of a fresh install (an admin edits or switches them off in Settings).
RULES = [
    {
        "key": "first-contact-before-visit",
        "name": "首次接触早于首次拜访",
        "entity": "customer",
        "fields": ["first_contact_at", "first_visit_at"],
        "kind": "date_order",
        "params": {},
        "severity": "confirm",
        "message_zh": "首次接触时间应早于首次拜访时间，请确认是否误填",
        "message_en": "The first contact should be earlier than the first visit. Please check for a typo.",
        "position": 10,
    },
    {
        "key": "first-contact-workday",
        "name": "首次接触不在周末",
        "entity": "customer",
        "fields": ["first_contact_at"],
        "kind": "not_weekend",
        "params": {"holidays": False},
        "severity": "confirm",
        "message_zh": "首次接触时间在周末，请确认是否误填",
        "message_en": "The first contact falls on a weekend. Please check for a typo.",
        "position": 20,
    },
    {
        "key": "stage-jump-evidence",
        "name": "跨越阶段需要凭证",
        "entity": "deal",
        "actions": ["stage_change"],
        "fields": [],
        "kind": "stage_jump",
        "params": {"max_jump": 2, "evidence_kinds": ["contract_scan", "email_screenshot"]},
        "severity": "block",
        "message_zh": "商机一次跨越超过 2 个阶段，请上传合同扫描件或邮件截图作为凭证",
        "message_en": "The deal skips more than 2 stages: attach a contract scan or an email screenshot as evidence.",
        "position": 30,
    },
    {
        "key": "payment-outlier",
        "name": "回款金额异常",
        "entity": "payment",
        "actions": ["create"],
        "fields": ["amount"],
        "kind": "outlier",
        "params": {"factor": "3", "months": 3, "fallback": "allow"},
        "severity": "hold",
        "message_zh": "回款金额超过该客户近 3 个月平均值的 3 倍，已转财务复核，复核前不计入报表",
        "message_en": "The payment is above 3× the customer's 3-month average: held for finance review and kept out of the figures until approved.",
        "position": 40,
    },
]


def seed(apps, schema_editor):
    Rule = apps.get_model("gatekeeper", "Rule")
    FreshnessSettings = apps.get_model("gatekeeper", "FreshnessSettings")
    for data in RULES:
        data = dict(data)
        Rule.objects.get_or_create(key=data.pop("key"), defaults={"actions": [], **data})
    if not FreshnessSettings.objects.exists():
        FreshnessSettings.objects.create()


class Migration(migrations.Migration):
    dependencies = [("gatekeeper", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
