from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Co-building partnerships")

    def ready(self):
        from core.kinds import register
        from partnerships.kinds import KINDS

        register(*KINDS)
