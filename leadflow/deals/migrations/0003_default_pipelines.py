from django.db import migrations

# Stage templates per industry; an admin edits them afterwards (Settings → Pipelines).
PIPELINES = [
    ("标准销售流程", "", True, ["初步接触", "需求确认", "方案报价", "POC/试用", "商务谈判", "合同签署"]),
    ("医疗器械项目", "medical", False, ["初步接触", "科室需求确认", "方案报价", "设备试用", "招标采购", "合同签署"]),
    ("SaaS 销售", "saas", False, ["初步接触", "需求确认", "方案报价", "POC/试用", "商务谈判", "合同签署"]),
    ("经销批发", "hardware", False, ["初步接触", "需求确认", "样品报价", "试单", "商务谈判", "合同签署"]),
    ("快消渠道", "fmcg", False, ["初步接触", "需求确认", "样品报价", "试单", "商务谈判", "合同签署"]),
]


def seed(apps, schema_editor):
    Pipeline = apps.get_model("deals", "Pipeline")
    Stage = apps.get_model("deals", "Stage")
    for name, industry, is_default, stages in PIPELINES:
        pipeline, created = Pipeline.objects.get_or_create(name=name, defaults={"industry": industry, "is_default": is_default})
        if not created:
            continue
        for i, stage in enumerate(stages, start=1):
            Stage.objects.create(pipeline=pipeline, name=stage, position=i, kind="open")
        Stage.objects.create(pipeline=pipeline, name="赢单", position=len(stages) + 1, kind="won")
        Stage.objects.create(pipeline=pipeline, name="输单", position=len(stages) + 2, kind="lost")


class Migration(migrations.Migration):
    dependencies = [("deals", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
