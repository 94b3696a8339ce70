"""The Django admin is for system administrators only: superusers (issue 15).

The admin's changelists and change pages are not scoped to a branch subtree: audit entries,
role assignments, users and tokens of the whole network are there. A staff user who is not a
superuser (someone given "staff status" and a few model permissions) would read other branches'
audit diffs, so the admin is closed to them as to everyone else who is not a superuser: they
get the admin's login page. Branch staff work in the portal's own pages, which are scoped.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from config.admin_autocomplete import ScopedAutocompleteJsonView


class SuperuserLoginForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class PortalAdminSite(AdminSite):
    login_form = SuperuserLoginForm

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def autocomplete_view(self, request):
        return ScopedAutocompleteJsonView.as_view(admin_site=self)(request)
