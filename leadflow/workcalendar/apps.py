from django.apps import AppConfig


class WorkcalendarConfig(AppConfig):
    name = "leadflow.workcalendar"
    label = "workcalendar"
