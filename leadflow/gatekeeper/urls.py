from django.urls import path

from leadflow.gatekeeper import views

app_name = "quality"

urlpatterns = [
    path("", views.quality_index, name="index"),
    path("log/", views.violation_log, name="log"),
    path("freshness/", views.freshness_board, name="freshness"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/approve/", views.review_approve, name="review_approve"),
    path("reviews/<int:pk>/reject/", views.review_reject, name="review_reject"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_new, name="rule_new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/export/", views.rule_export, name="rules_export"),
    path("rules/import/", views.rule_import, name="rules_import"),
]
