from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Branches and honours")

    def ready(self):
        from branches import accounts  # noqa: F401  (a new password ends tokens and sessions)
