from django.contrib.auth import views as auth_views
from django.urls import include, path

from leadflow.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]

# Included at the site root by leadflow.urls (outside the "web" namespace).
site_patterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("customers/", include("leadflow.customers.urls")),
    path("deals/", include("leadflow.deals.urls")),
    path("money/", include("leadflow.orders.urls")),
    path("files/", include("leadflow.attachments.urls")),
    path("commitments/", include("leadflow.commitments.urls")),
    path("inbox/", include("leadflow.notify.urls")),
    path("quality/", include("leadflow.gatekeeper.urls")),
    path("import/", include("leadflow.ingest.urls")),
]
