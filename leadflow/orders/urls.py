from django.urls import path

from leadflow.orders import views

app_name = "orders"

urlpatterns = [
    path("payments/", views.payment_list, name="payments"),
]
