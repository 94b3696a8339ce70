"""Service refusals as the entry pages show them.

ValidationError → field errors of the form; PeriodLocked and StaleEdit → a message above the
form; OutOfScope → 404; PermissionDenied → 403 with the reason.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render

from core.errors import OutOfScope, PeriodLocked
from records.pages.forms import mask_refused_input

# What a service refuses that the page shows on the form (catch these, then add_service_error).
FORM_REFUSALS = (ValidationError, PeriodLocked)


def add_service_error(form, exc: Exception) -> None:
    """A service's ValidationError on its fields (add_validation_error); a locked month above the form."""
    if isinstance(exc, ValidationError):
        add_validation_error(form, exc)
    else:
        form.add_error(None, str(exc))


def add_validation_error(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: each field's messages on that field,
    messages for fields the form does not show above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields and name != NON_FIELD_ERRORS else None
            if target is None:
                label = _field_label(form, name)
                errors = [ValidationError(f"{label}: {m}" if label else m) for e in errors for m in e.messages]
            form.add_error(target, errors)
    else:
        form.add_error(None, exc.messages)
    mask_refused_input(form)


def _field_label(form, name: str) -> str:
    if name == NON_FIELD_ERRORS:
        return ""
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is None:
        return ""
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return ""


def refused(request, exc: PermissionDenied):
    """403 with the service's reason (the role does not allow this here)."""
    return render(request, "records/refused.html", {"reason": str(exc)}, status=403)


class ServiceRefusalsMixin:
    """Turns OutOfScope (and a record deleted meanwhile) into 404 and PermissionDenied into a 403 page that says why."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except (OutOfScope, ObjectDoesNotExist):
            # ObjectDoesNotExist: the record was deleted while this request ran.
            raise Http404() from None
        except PermissionDenied as exc:
            if not request.user.is_authenticated:
                raise
            return refused(request, exc)
