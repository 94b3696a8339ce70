"""Staff choosers that search on the server as you type (issue 19): a form never renders the staff
of the user's scope as <option>s or checkboxes (32,000 at national scale), only the chosen ones.

The offered staff are staff_in_scope(user) everywhere: the form fields validate the posted ids
against it (plus those already on the record), and staff_choices answers from it, so the
chooser never shows anyone the form would refuse.
"""

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from branches.models import Staff
from records.pages.choosers import CHOICES_LIMIT, SearchCheckboxes, SearchSelect, search_text


def staff_in_scope(user, keep=()):
    """Active staff of the user's scope (plus those already on the record)."""
    qs = Staff.objects.for_user(user).select_related("branch")
    keep = [s.pk for s in keep]
    return qs.filter(models.Q(is_active=True) | models.Q(pk__in=keep)).order_by("branch__path", "name")


def staff_label(staff: Staff) -> str:
    return f"{staff.name} · {staff.branch}"


class StaffSearchSelect(SearchSelect):
    """One staff member (an honour's recipient)."""

    search_label = _("Search staff by name")

    def get_context(self, name, value, attrs):
        self.search_url = reverse("staff-choices")
        return super().get_context(name, value, attrs)


class StaffSearchCheckboxes(SearchCheckboxes):
    """Several staff members (a home visit's team, a session's participants)."""

    search_label = _("Type a name to add a staff member")

    def get_context(self, name, value, attrs):
        self.search_url = reverse("staff-choices")
        return super().get_context(name, value, attrs)


@login_required
@require_GET
def staff_choices(request):
    """At most CHOICES_LIMIT active staff of the user's scope whose name contains ?q=, in the
    tree's order (indexed on PostgreSQL: staff_name_trgm, branches/migrations/0007)."""
    text = search_text(request)
    qs = staff_in_scope(request.user)
    if text:
        qs = qs.filter(name__icontains=text)
    return JsonResponse(
        {"results": [{"id": s.pk, "label": staff_label(s)} for s in qs[:CHOICES_LIMIT]]},
        headers={"Cache-Control": "private, no-store"},
    )
