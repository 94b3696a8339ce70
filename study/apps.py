from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    name = "study"
    verbose_name = _("Study and education")

    def ready(self):
        from core.kinds import register
        from study.kinds import KINDS

        register(*KINDS)
