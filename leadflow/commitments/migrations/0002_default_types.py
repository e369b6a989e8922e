from django.db import migrations

# (code, name, requires_file, ticket department code)
TYPES = [
    ("quote", "报价单", True, "sales"),
    ("poc_report", "POC报告", True, "tech-support"),
    ("contract_draft", "合同草案", True, "legal"),
]
LEVELS = [("remind_owner", -48), ("notify_manager", 0), ("open_ticket", 72)]


def seed(apps, schema_editor):
    Department = apps.get_model("org", "Department")
    DeliverableType = apps.get_model("commitments", "DeliverableType")
    EscalationLevel = apps.get_model("commitments", "EscalationLevel")
    Department.objects.get_or_create(code="legal", defaults={"name": "法务部"})
    for position, (code, name, requires_file, dept) in enumerate(TYPES, start=1):
        dtype, created = DeliverableType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "requires_file": requires_file,
                "department": Department.objects.filter(code=dept).first(),
                "position": position,
            },
        )
        if created:
            for action, offset in LEVELS:
                EscalationLevel.objects.create(deliverable_type=dtype, action=action, offset_hours=offset)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0001_initial"), ("org", "0002_departments")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
