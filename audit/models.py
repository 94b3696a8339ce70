"""The audit log: one entry per write, in the writing transaction."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One row per write, written by the service in the same transaction as the write."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")
        TRANSITION = "transition", _("status changed")
        SUBMIT = "submit", _("submitted")
        NIL_RETURN = "nil_return", _("nil return filed")
        APPROVE = "approve", _("approved")
        RETURN = "return", _("returned")
        REOPEN = "reopen", _("reopened")
        PHOTO_ADD = "photo_add", _("photo added")
        PHOTO_DELETE = "photo_delete", _("photo removed")
        IMPORT = "import", _("imported")
        DEMO_LOAD = "demo_load", _("demo data loaded")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # Looked up with object_id, through the index of both below.
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, db_index=False)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    # A bulk write's one entry: its records' ids lie from object_id to last_object_id, and are
    # exactly the ranges listed in changes["ids"].
    last_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    version = models.PositiveIntegerField(null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        db_table = "portal_auditentry"  # the table it had when it lived in the record engine
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(
                fields=["content_type", "last_object_id"],
                name="auditentry_batch",
                condition=models.Q(last_object_id__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"
