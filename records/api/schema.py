"""The OpenAPI schema: every operation documents the errors it can answer with, and the
If-Match / Idempotency-Key / ETag headers where they apply.

Views declare what applies to them (`error_statuses`, `if_match_actions`, `idempotent_actions`);
the rest follows from the operation: any request can hold a control character (400); a body
can be invalid (400), too large (413) or not JSON (415); an {id} can be unknown or out of scope
(404); a list's filters can be invalid (400).
"""

import re

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from records.api.idempotency import IDEMPOTENCY_PARAMETER

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": "A refusal that concerns the whole request.",
}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "description": "Messages per field: {field: [messages]}; `non_field_errors` for the request as a whole.",
}
DESCRIPTIONS = {
    400: "Invalid input: messages per field, or a malformed request (JSON, NaN, a NUL byte or another "
    "control character in the path, query, headers or body).",
    401: "No valid credentials: log in or send `Authorization: Bearer <token>` (or `Token <token>`); the "
    "message says what is wrong with a header that was sent.",
    403: "Your role does not allow this (metrics clients never write, and read aggregates only).",
    404: "Not found, or outside your scope (the two are not told apart).",
    409: "The month is approved and locked (the message says who approved it and how to reopen it).",
    412: "If-Match names an older version of the record: nothing was written.",
    413: "The request body is too large.",
    415: "The body is not application/json.",
    422: "This Idempotency-Key was already used with a different request.",
    429: "Too many attempts: wait and try again.",
}
IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description='The ETag the client last read (`"<id>-<version>"`): a newer version on the server is '
    "refused with 412 and nothing is written.",
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='The record\'s version tag, `"<id>-<version>"`, for If-Match.',
)


class PortalAutoSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            # A time of day without an offset ("10:20:00"): RFC 3339's partial-time. The "time"
            # format would promise an offset the answers never carry.
            schema = schema | {"format": "partial-time", "example": "10:20:00"}
        return schema

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        fields = getattr(self.view, "ordering_fields", None)
        for parameter in parameters:
            if parameter.get("name") == "ordering" and fields:
                # One field, or several comma-separated; "-" before a field sorts descending.
                choices = [order for field in fields for order in (field, f"-{field}")]
                parameter["schema"] = {"type": "string", "enum": choices}
        return parameters

    def _action(self) -> str:
        return getattr(self.view, "action", None) or self.method.lower()

    def _error_component(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name)
        self.registry.register_on_missing(component)
        return component.ref

    def error_statuses(self) -> set[int]:
        codes: set[int] = {400}  # any request: a control character in its path, query or headers
        if not any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes |= {401, 403}
        if self.method in ("POST", "PUT", "PATCH"):
            codes.add(413)
            if self.get_request_serializer() is not None:
                codes |= {400, 415}
        if "{" in self.path:
            codes.add(404)
        if self.method == "GET" and self._is_list_view():
            codes |= {400, 404}  # an invalid filter; a page past the end
        declared = getattr(self.view, "error_statuses", {})
        codes |= set(declared.get(self._action(), ())) | set(declared.get("*", ()))
        return codes

    def _error_response(self, code: int) -> dict:
        error = self._error_component("Error", ERROR_SCHEMA)
        schema = error
        if code == 400:
            schema = {"anyOf": [self._error_component("FieldErrors", FIELD_ERRORS_SCHEMA), error]}
        return {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction == "response":
            for code in sorted(self.error_statuses()):
                responses.setdefault(str(code), self._error_response(code))
        return responses

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        action = self._action()
        if action in getattr(self.view, "if_match_actions", ()):
            parameters.append(IF_MATCH_PARAMETER)
        if action in getattr(self.view, "idempotent_actions", ()):
            parameters.append(IDEMPOTENCY_PARAMETER)
        if action in getattr(self.view, "etag_actions", ()):
            parameters.append(ETAG_HEADER)
        return parameters


LINKED_METHODS = ("get", "put", "patch", "delete", "post")
# Links the paths do not show: a ledger import answers with the job its status URL reads.
EXTRA_LINKS = {"ledgers_import_create": ("ledgers_jobs_retrieve", "token")}


def add_links(result, generator, request, public):
    """OpenAPI links (drf-spectacular post-processing hook), for clients and stateful fuzzing: the
    `id` a create answers with is what the new object's own operations take (read, change,
    delete and its actions such as /submissions/{id}/approve/)."""
    paths = result.get("paths", {})
    operations = {op["operationId"]: op for ops in paths.values() for op in ops.values() if isinstance(op, dict)}
    for collection, ops in paths.items():
        create = ops.get("post")
        item = next((p for p in paths if re.fullmatch(re.escape(collection) + r"\{\w+\}/", p)), None)
        if create is None or item is None:
            continue
        parameter = item[len(collection) + 1 : -2]
        links = {
            op["operationId"]: {"operationId": op["operationId"], "parameters": {parameter: "$response.body#/id"}}
            for path, item_ops in paths.items()
            if path.startswith(item)
            for method, op in item_ops.items()
            if method in LINKED_METHODS
        }
        _link(create, links)
    for source, (target, parameter) in EXTRA_LINKS.items():
        if source in operations and target in operations:
            _link(
                operations[source], {target: {"operationId": target, "parameters": {parameter: "$response.body#/id"}}}
            )
    return result


def _link(operation: dict, links: dict) -> None:
    for status, response in operation.get("responses", {}).items():
        if status.startswith("2") and "content" in response:
            response["links"] = links
