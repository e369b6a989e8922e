from django.contrib import admin

from leadflow.workcalendar.calendar import clear_cache
from leadflow.workcalendar.models import CalendarYear, SpecialDay


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "published"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        clear_cache()


@admin.register(SpecialDay)
class SpecialDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        clear_cache()
