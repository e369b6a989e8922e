from django.urls import path

from leadflow.commitments import views

app_name = "commitments"

urlpatterns = [
    path("", views.commitment_list, name="list"),
    path("new/", views.commitment_new, name="new"),
    path("report/", views.report, name="report"),
    path("<int:pk>/", views.commitment_detail, name="detail"),
    path("<int:pk>/deliver/", views.commitment_deliver, name="deliver"),
    path("<int:pk>/cancel/", views.commitment_cancel, name="cancel"),
    path("<int:pk>/reschedule/", views.commitment_reschedule, name="reschedule"),
    path("tickets/", views.ticket_list, name="tickets"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
]
