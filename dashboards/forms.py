"""The yearly targets of a node: one field per catalogue metric, blank for no target."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from branches.models import Target
from branches.services import target_delete, target_set
from core.catalogue import METRICS


class TargetForm(forms.Form):
    def __init__(self, *args, current: dict[str, Target], **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        for key, metric in METRICS.items():
            target = current.get(key)
            self.fields[key] = forms.DecimalField(
                label=metric.label,
                required=False,
                min_value=0,
                max_digits=20,
                decimal_places=metric.decimals,
                initial=target.value.quantize(Decimal(1).scaleb(-metric.decimals)) if target else None,
                widget=forms.NumberInput(
                    attrs={"class": "form-control form-control-sm", "step": str(Decimal(1).scaleb(-metric.decimals))}
                ),
            )

    def save(self, *, user, branch, year: int) -> int:
        """Set, change or clear each metric's target through the services, all or nothing.

        Returns how many targets changed; a service's refusal becomes the field's error.
        """
        changed = 0
        with transaction.atomic():
            for key in METRICS:
                new, old = self.cleaned_data.get(key), self.current.get(key)
                try:
                    if new is None and old is not None:
                        target_delete(old, user=user)
                    elif new is not None and (old is None or old.value != new):
                        target_set(user=user, branch=branch, year=year, metric=key, value=new)
                    else:
                        continue
                except ValidationError as e:
                    raise ValidationError({key: e.messages}) from e
                changed += 1
        return changed
