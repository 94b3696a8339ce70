from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AntifraudConfig(AppConfig):
    name = "antifraud"
    verbose_name = _("Anti-fraud")
