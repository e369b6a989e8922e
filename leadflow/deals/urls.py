from django.urls import path

from leadflow.deals import views

app_name = "deals"

urlpatterns = [
    path("", views.deal_list, name="list"),
    path("kanban/", views.deal_kanban, name="kanban"),
    path("new/<int:customer_pk>/", views.deal_create, name="create"),
    path("<int:pk>/", views.deal_detail, name="detail"),
    path("<int:pk>/stage/", views.deal_stage, name="stage"),
]
