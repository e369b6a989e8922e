from django.urls import path

from leadflow.ingest import views

app_name = "ingest"

urlpatterns = [
    path("", views.import_index, name="index"),
    path("<int:pk>/", views.import_job, name="job"),
    path("template/<str:kind>/", views.import_template, name="template"),
]
