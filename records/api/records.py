"""The one base serializer and viewset of every record kind's API endpoint.

Each app's api/ declares a small serializer (its fields) and a viewset naming its kind's slug;
everything else comes from core.kinds: the model, the UI's FilterSet and the service
functions that every write goes through (never serializer.save()).
"""

from collections.abc import Mapping

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from branches.codes import find_branch
from branches.models import Branch, Staff
from core.kinds import kind_for_slug
from core.validators import SET_BY_THE_PORTAL
from records.actions import may
from records.api.etags import etag, expected_version
from records.api.formats import CSVRenderer
from records.api.idempotency import run_once
from records.api.sync import SyncPagination
from records.models import Photo
from records.pages.ids import parse_id
from records.references import is_record_model, reachable_records


def _user(field):
    request = field.context.get("request")
    return getattr(request, "user", None)


@extend_schema_field({"type": "string", "maxLength": 32, "example": "WH-QK-01"})
class BranchCodeField(serializers.SlugRelatedField):
    """A branch given by its code; a branch outside the caller's scope reads as unknown (400)."""

    default_error_messages = {
        "does_not_exist": _("No branch with code {value} in your scope."),
        "invalid": _("Give the branch's code, such as WH-QK-01."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)

    def get_queryset(self):
        return Branch.objects.for_user(_user(self))

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data.strip():
            self.fail("invalid")
        branch = find_branch(self.get_queryset(), data)
        if branch is None:
            self.fail("does_not_exist", value=data)
        return branch


class StaffField(serializers.PrimaryKeyRelatedField):
    """A staff member by id, among those in the caller's scope."""

    def get_queryset(self):
        return Staff.objects.for_user(_user(self))


class RecordRefField(serializers.PrimaryKeyRelatedField):
    """Another record a record names (a partnership), by id, among those the caller may name
    (records.references); the record's clean() checks it fits the record's branch and date."""

    def __init__(self, model=None, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return reachable_records(self.model, _user(self))

    def to_internal_value(self, data):
        if isinstance(data, bool) or parse_id(str(data)) is None:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class PhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = Photo
        fields = ("id", "caption", "captured_at", "width", "height")


class RefuseMassAssignment:
    """A body naming a field the client may not write (read-only here, a field of the model this
    serializer does not take, or one the portal sets itself) is refused with 400: nothing is
    written, rather than the name being silently dropped."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            meta = getattr(self, "Meta", None)
            model = getattr(meta, "model", None)
            protected = SET_BY_THE_PORTAL | ({f.name for f in model._meta.concrete_fields} if model else set())
            writable = {name for name, field in self.fields.items() if not field.read_only}
            refused = sorted(
                name for name in data if name not in writable and (name in self.fields or name in protected)
            )
            if refused:
                raise serializers.ValidationError(
                    {name: [_("This field is set by the portal; leave it out of the request.")] for name in refused}
                )
        return super().to_internal_value(data)


class RecordSerializer(RefuseMassAssignment, serializers.ModelSerializer):
    """Fields every record has; bookkeeping and workflow fields are read-only."""

    branch = BranchCodeField(help_text="The branch's code, such as WH-QK-01.")
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    photos = PhotoSerializer(many=True, read_only=True)

    COMMON_FIELDS = (
        "id",
        "branch",
        "branch_name",
        "occurred_on",
        "notes",
        "created_by",
        "created_at",
        "updated_at",
        "version",
        "photos",
    )

    def get_extra_kwargs(self):
        extra = super().get_extra_kwargs()
        for name in self.Meta.model.system_fields:
            extra.setdefault(name, {})["read_only"] = True
        return extra

    def build_relational_field(self, field_name, relation_info):
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        if is_record_model(relation_info.related_model) and field_class is self.serializer_related_field:
            return RecordRefField, kwargs | {"model": relation_info.related_model}
        return field_class, kwargs

    def get_validators(self):
        # Uniqueness and cross-field rules are the service's full_clean(), as in the UI.
        return []

    def service_arguments(self) -> dict:
        """validated_data as the kind's service functions take it."""
        return dict(self.validated_data)

    def create(self, validated_data):
        raise AssertionError("Records are written by the kind's service functions, never by save().")

    def update(self, instance, validated_data):
        raise AssertionError("Records are written by the kind's service functions, never by save().")


class RecordViewSet(viewsets.ModelViewSet):
    """List, read, create, change and delete one record kind, through its service functions."""

    kind_slug = ""
    extra_select_related: tuple[str, ...] = ()
    lookup_value_regex = "[0-9]+"
    ordering_fields = ("occurred_on", "created_at", "updated_at", "id")
    ordering = ("-occurred_on", "-id")
    pagination_class = SyncPagination  # ?updated_since= reads the list as a change feed

    idempotent_actions = ("create",)
    if_match_actions = ("update", "partial_update", "destroy")
    etag_actions = ("retrieve", "create", "update", "partial_update")
    error_statuses = {
        "create": (409, 422),
        "update": (409, 412),
        "partial_update": (409, 412),
        "destroy": (409, 412),
    }

    @property
    def kind(self):
        return kind_for_slug(self.kind_slug)

    @property
    def filterset_class(self):
        return self.kind.filterset

    def get_renderers(self):
        if self.action == "list":
            return [JSONRenderer(), CSVRenderer()]
        return [JSONRenderer()]

    def get_queryset(self):
        user = getattr(self.request, "user", None)
        return (
            self.kind.model.objects.for_user(user)
            .select_related("branch", "created_by", *self.extra_select_related)
            .prefetch_related("photos", *self.kind.m2m)
        )

    def respond(self, obj, code=status.HTTP_200_OK, *, created=False) -> Response:
        """The record as stored now, read back with its relations, and its ETag."""
        fresh = self.get_queryset().get(pk=obj.pk)
        headers = {"ETag": etag(fresh)}
        if created:
            headers["Location"] = reverse(f"api:{self.basename}-detail", args=[fresh.pk])
        return Response(self.get_serializer(fresh).data, status=code, headers=headers)

    def retrieve(self, request, *args, **kwargs):
        """The record and its ETag; `Allow` names the methods the user may use on it now
        (records/actions.py): only the safe ones for a record in an approved month."""
        obj = self.get_object()
        if not may(request.user, "record.edit", obj):
            self.headers["Allow"] = ", ".join(m for m in self.allowed_methods if m in SAFE_METHODS)
        return Response(self.get_serializer(obj).data, headers={"ETag": etag(obj)})

    def create(self, request, *args, **kwargs):
        return run_once(request, lambda: self._create(request))

    def _create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.kind.create(user=request.user, **serializer.service_arguments())
        return self.respond(obj, status.HTTP_201_CREATED, created=True)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        expected = expected_version(request, instance)
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        obj = self.kind.update(instance, user=request.user, expected_version=expected, **serializer.service_arguments())
        return self.respond(obj)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self.kind.delete(instance, user=request.user, expected_version=expected_version(request, instance))
        return Response(status=status.HTTP_204_NO_CONTENT)
