"""Safe retries: a create carrying an `Idempotency-Key` header runs once per user and key;
a retry gets the first answer (same status and body) and writes nothing.

The key is claimed by inserting its row in the same transaction as the create, so two
simultaneous requests with one key cannot both write: the second waits on the unique
constraint and then replays the first's answer.
"""

import hashlib
import json
import re

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.response import Response

from core.privacy import contains_personal_identifier
from records.api.exceptions import KeyReused
from records.api.models import IdempotencyKey

HEADER = "Idempotency-Key"
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces
REPLAYED_HEADERS = ("ETag", "Location")

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    description="A unique key per create (e.g. a UUID): retries with the same key return the first "
    "answer and write nothing. Kept 24 hours per user.",
)


def fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(stored: IdempotencyKey) -> Response:
    response = Response(stored.body, status=stored.status_code, headers=stored.headers)
    response["Idempotent-Replayed"] = "true"
    return response


def run_once(request, create) -> Response:
    """Call `create()` (which returns a Response) once per the request's Idempotency-Key."""
    key = request.headers.get(HEADER)
    if key is None:
        return create()
    if not _VALID_KEY.match(key) or contains_personal_identifier(key):
        raise exceptions.ValidationError({HEADER: [_("Use 1 to 255 printable ASCII characters, such as a UUID.")]})
    print_ = fingerprint(request)
    user = request.user
    cutoff = timezone.now() - settings.API_IDEMPOTENCY_TTL
    with transaction.atomic():
        IdempotencyKey.objects.filter(user=user, created_at__lt=cutoff).delete()
        try:
            with transaction.atomic():
                claim = IdempotencyKey.objects.create(user=user, key=key, fingerprint=print_)
        except IntegrityError:
            claim = None
        if claim is None:
            stored = IdempotencyKey.objects.get(user=user, key=key)
            if stored.fingerprint != print_:
                raise KeyReused()
            return _replay(stored)
        response = create()
        if not 200 <= response.status_code < 300:
            # A refused create is not remembered: the client may correct it and retry.
            transaction.set_rollback(True)
            return response
        claim.status_code = response.status_code
        claim.body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
        claim.headers = {name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)}
        claim.save(update_fields=["status_code", "body", "headers"])
        return response
