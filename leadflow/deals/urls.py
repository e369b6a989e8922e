from django.urls import path

from leadflow.deals import views

app_name = "deals"

urlpatterns = [
    path("", views.placeholder, name="list"),
    path("<int:pk>/", views.placeholder, name="detail"),
]
