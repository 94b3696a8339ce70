from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "volunteering"
    verbose_name = _("Volunteering")

    def ready(self):
        from core.kinds import register
        from volunteering.kinds import KINDS

        register(*KINDS)
