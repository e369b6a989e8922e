from django.contrib import admin
from django.urls import include, path

from leadflow.api import api
from leadflow.web.urls import site_patterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("leadflow.web.urls")),
    path("", include(site_patterns)),
]
