"""The API's own table: answers to creates carrying an Idempotency-Key, replayed to retries."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class IdempotencyKey(models.Model):
    """A client's key for one create: the first answer is stored and replayed to every retry
    with the same key (per user, for API_IDEMPOTENCY_TTL), so a retry never writes twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path and parsed body
    status_code = models.PositiveSmallIntegerField(default=0)
    body = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        app_label = "portal"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_unique")]

    def __str__(self):
        return f"{self.user_id} {self.key}"
