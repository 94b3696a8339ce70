"""REST API v1. The record endpoints follow the registry (core.kinds): one per kind that declares a
viewset."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from config import api_root as root
from core.kinds import record_kinds
from metrics.api import tree_views as branches_api
from metrics.api import views as metrics_api
from metrics.api.staff import StaffViewSet
from records.api import auth, deletions, docs, tokens
from submissions import api as submissions_api

app_name = "api"


router = SimpleRouter()
router.register("branches", branches_api.BranchViewSet, basename="branch")
for kind in record_kinds():
    if kind.viewset is not None:
        router.register(kind.slug, kind.viewset, basename=kind.slug)
router.register("staff", StaffViewSet, basename="staff")
router.register("targets", branches_api.TargetViewSet, basename="target")
router.register("submissions", submissions_api.SubmissionViewSet, basename="submission")

urlpatterns = [
    path("", root.ApiRootView.as_view(), name="root"),
    path("auth/login/", auth.LoginView.as_view(), name="login"),
    path("auth/logout/", auth.LogoutView.as_view(), name="logout"),
    path("auth/logout-all/", auth.LogoutAllView.as_view(), name="logout-all"),
    path("metrics/", metrics_api.MetricsView.as_view(), name="metrics"),
    path("deleted/", deletions.DeletedRecordsView.as_view(), name="deleted"),
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.SwaggerView.as_view(), name="docs"),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/revoke/", tokens.token_revoke_view, name="token-revoke"),
    *router.urls,
]
