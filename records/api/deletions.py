"""The deletion feed: `/api/v1/deleted/?since=` lists the records deleted since a time, from the
audit log (each delete writes its entry in the same transaction), scoped like the records: a
user sees the deletions of the branches they may read. With the record lists' `updated_since`
it lets a mirror take only what changed (docs/api.md, "Keeping a copy in sync")."""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from audit.models import AuditEntry
from branches.access import access_for
from branches.models import Branch
from core.kinds import record_kinds
from records.api.sync import SyncPagination


def kinds_by_content_type() -> dict[int, str]:
    types = ContentType.objects.get_for_models(*(kind.model for kind in record_kinds()))
    return {types[kind.model].pk: kind.slug for kind in record_kinds()}


class DeletionSerializer(serializers.Serializer):
    kind = serializers.SerializerMethodField(help_text="The record's kind: its list's name, such as home-visits.")
    id = serializers.IntegerField(source="object_id", help_text="The deleted record's id.")
    branch = serializers.SerializerMethodField(help_text="The code of the branch the record belonged to.")
    version = serializers.IntegerField(allow_null=True, help_text="The record's version when it was deleted.")
    deleted_at = serializers.DateTimeField(source="at")

    def get_kind(self, entry) -> str:
        return self.context["kinds"][entry.content_type_id]

    def get_branch(self, entry) -> str:
        return entry.branch.code if entry.branch else ""


class DeletedRecordsView(generics.ListAPIView):
    """Records deleted at or after `since`, oldest first, in pages linked by `next` (a cursor over
    the time of deletion): apply them to a mirror after the record lists' changes."""

    serializer_class = DeletionSerializer
    pagination_class = SyncPagination
    filter_backends = ()
    always_sync = True
    sync_field = "at"
    since_param = "since"

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["kinds"] = self.kinds
        return context

    @property
    def kinds(self) -> dict[int, str]:
        if not hasattr(self, "_kinds"):
            self._kinds = kinds_by_content_type()
        return self._kinds

    def get_queryset(self):
        entries = AuditEntry.objects.filter(
            action=AuditEntry.Action.DELETE, content_type_id__in=list(self.kinds), last_object_id__isnull=True
        ).select_related("branch")
        asked = self.request.query_params.get("kind", "")
        if asked:
            wanted = [pk for pk, slug in self.kinds.items() if slug == asked]
            if not wanted:
                names = ", ".join(sorted(self.kinds.values()))
                raise ValidationError(
                    {"kind": [_("Unknown kind: %(kind)s; use one of %(names)s.") % {"kind": asked, "names": names}]}
                )
            entries = entries.filter(content_type_id__in=wanted)
        user = self.request.user
        if not access_for(user).sees_everything:
            entries = entries.filter(branch__in=Branch.objects.for_user(user))
        return entries

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                OpenApiParameter.QUERY,
                description="Deletions at or after this time (ISO 8601, or a date); all when absent.",
            ),
            OpenApiParameter(
                "kind",
                str,
                OpenApiParameter.QUERY,
                enum=sorted(kind.slug for kind in record_kinds()),
                description="Only deletions of this record kind (a list's name, such as home-visits).",
            ),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
