"""An in-app notification: one reminder for one user about one item of one node."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        MONTH_DUE = "month_due", _("month not submitted")
        FOLLOW_UP_DUE = "follow_up_due", _("follow-up due")
        FOLLOW_UP_OVERDUE = "follow_up_overdue", _("follow-up overdue")
        HONOUR_LAPSING = "honour_lapsing", _("title lapsing")
        TARGET_BEHIND = "target_behind", _("target behind pace")
        REOPEN_REQUESTED = "reopen_requested", _("reopening requested")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # What it is about, e.g. "month_due:12:2026-11": a user is reminded of an item once.
    key = models.CharField(max_length=200)
    # The values of its sentence (reminders/text.py), rendered in the reader's language.
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.key

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
