from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackgroundConfig(AppConfig):
    name = "background"
    verbose_name = _("Background work")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from background.schedules import ensure_defaults

        # The default schedules (background/conf.py PERIODIC_TASKS), once, after migrate.
        post_migrate.connect(ensure_defaults, sender=self, dispatch_uid="background.schedules")
