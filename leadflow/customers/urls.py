from django.urls import path

from leadflow.customers import views

app_name = "customers"

urlpatterns = [
    path("", views.placeholder, name="list"),
    path("<int:pk>/", views.placeholder, name="detail"),
]
