"""A branch named by its code, read the same way everywhere: list filters, creates, the metrics
query and the ledger importer. Codes match whatever their case ("wh-bbt" is WH-BBT), and a code
that is unknown or outside the caller's scope gets the one message (the two are not told apart)."""

from django import forms
from django.utils.translation import gettext_lazy as _

UNKNOWN_BRANCH = _("No branch with code {value} in your scope.")
# The same words for form fields, which format their messages with %-style params (a code that
# holds "%" stays as given).
UNKNOWN_BRANCH_FORM = _("No branch with code %(value)s in your scope.")


def unknown_branch_message(code) -> str:
    return str(UNKNOWN_BRANCH).format(value=code)


def find_branch(queryset, code):
    """The branch of `queryset` whose code is `code`, in any case; None when there is none."""
    if not isinstance(code, str) or not code.strip():
        return None
    return queryset.filter(code__iexact=code.strip()).first()


class BranchCodeChoiceField(forms.ModelChoiceField):
    """The form field of a branch filter: a code, any case."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        branch = find_branch(self.queryset, str(value))
        if branch is None:
            raise forms.ValidationError(UNKNOWN_BRANCH_FORM, code="invalid_choice", params={"value": value})
        return branch
