from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = _("Metrics and submissions")

    def ready(self):
        from core.tree import on_subtree_moved
        from metrics.rebuild import rebuild

        on_subtree_moved(rebuild)
