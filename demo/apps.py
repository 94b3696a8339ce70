from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo and synthetic data: the article's figures and a national-scale network."""

    name = "demo"
    verbose_name = _("Demo data")
