from django.db import migrations

DEPARTMENTS = [("sales", "销售部"), ("tech-support", "技术支持部"), ("finance", "财务部"), ("service", "客服部")]


def seed(apps, schema_editor):
    Department = apps.get_model("org", "Department")
    for code, name in DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
