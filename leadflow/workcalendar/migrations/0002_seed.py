from django.db import migrations


def seed(apps, schema_editor):
    from leadflow.workcalendar.calendar import seed_from_package

    seed_from_package(
        special_day=apps.get_model("workcalendar", "SpecialDay"), calendar_year=apps.get_model("workcalendar", "CalendarYear")
    )


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
