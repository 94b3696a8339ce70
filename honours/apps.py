from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class HonoursConfig(AppConfig):
    name = "honours"
    verbose_name = pgettext_lazy("app", "Honours")

    def ready(self):
        from core.kinds import register
        from honours.kinds import KINDS

        register(*KINDS)
