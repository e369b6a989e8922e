from django.contrib import admin
from django.urls import include, path, re_path

from leadflow.api import api
from leadflow.api import not_found as api_not_found
from leadflow.web.urls import site_patterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/", api_not_found),  # unknown API paths answer JSON too
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("leadflow.web.urls")),
    path("", include(site_patterns)),
]
