from django.urls import path

from leadflow.customers import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/timeline/", views.customer_timeline_page, name="timeline"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("<int:pk>/activities/", views.activity_add, name="activity_add"),
]
