"""REST API v1. The record endpoints follow portal.kinds.record_kinds(): a kind without an
API viewset fails here at start-up instead of silently having no endpoint."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from antifraud.api import views as antifraud_api
from branches.api import views as branches_api
from branches.api.staff import StaffViewSet
from metrics.api import views as metrics_api
from portal.api import auth, deletions, docs, root, tokens
from portal.kinds import record_kinds
from services.api import views as services_api
from volunteering.api import views as volunteering_api

app_name = "api"

RECORD_VIEWSETS = {
    viewset.kind_slug: viewset
    for viewset in (
        *services_api.VIEWSETS,
        *antifraud_api.VIEWSETS,
        *volunteering_api.VIEWSETS,
        *branches_api.VIEWSETS,
    )
}


router = SimpleRouter()
router.register("branches", branches_api.BranchViewSet, basename="branch")
for kind in record_kinds():
    router.register(kind.slug, RECORD_VIEWSETS[kind.slug], basename=kind.slug)
router.register("staff", StaffViewSet, basename="staff")
router.register("targets", branches_api.TargetViewSet, basename="target")
router.register("submissions", metrics_api.SubmissionViewSet, basename="submission")

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
