"""The form base of every record kind: scoped dropdowns, defaults, the version, photos."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.access import WRITERS, access_for
from branches.models import Branch, Staff
from core.dates import EARLIEST_DATE
from core.kinds import kind_for_model
from core.privacy import redact
from core.validators import SET_BY_THE_PORTAL, validate_not_future
from records.models import announce_relations
from records.pages.choosers import BranchSearchSelect, RecordSearchSelect, branch_label
from records.pages.ids import parse_id
from records.pages.staff_choosers import StaffSearchCheckboxes, StaffSearchSelect, staff_in_scope, staff_label
from records.references import is_record_model, reachable_records

MAX_PHOTOS_PER_UPLOAD = 10
PHOTO_TYPES = "image/jpeg,image/png,image/webp"


def writable_branches(user, **filters):
    """Active branches where the user may record: the subtrees of their writer roles."""
    access = access_for(user)
    qs = Branch.objects.filter(is_active=True, **filters).order_by("path")
    if access.sees_everything:
        return qs
    paths = [m.branch.path for m in access.memberships if m.role in WRITERS]
    if not paths:
        return qs.none()
    q = models.Q()
    for path in paths:
        q |= models.Q(path__startswith=path)
    return qs.filter(q)


class BranchField(forms.ModelChoiceField):
    """Offers the branches where the user may record, but accepts any existing branch, so that
    the service answers a posted out-of-scope branch with 404 (never a silent form error)."""

    def label_from_instance(self, obj):
        return branch_label(obj)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        pk = parse_id(value)
        branch = Branch.objects.filter(pk=pk, is_active=True).first() if pk else None
        if branch is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return branch


class StaffLabelMixin:
    def label_from_instance(self, obj):
        return staff_label(obj)


class StaffChoiceField(StaffLabelMixin, forms.ModelChoiceField):
    """Checks the id before it reaches a query, where an overlong one would fail."""

    def to_python(self, value):
        if value not in self.empty_values and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class StaffMultipleChoiceField(StaffLabelMixin, forms.ModelMultipleChoiceField):
    """Checks every id before it reaches an IN (...) query, where an overlong one would fail."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class RecordChoiceField(forms.ModelChoiceField):
    """Another record a record names (a partnership), labelled with its branch."""

    def label_from_instance(self, obj):
        return f"{obj} · {obj.branch}"

    def to_python(self, value):
        if value not in self.empty_values and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def records_to_name(model, user, keep=None):
    """The records of `model` a user may name (records.references), plus the one already named."""
    qs = reachable_records(model, user)
    if keep is not None:
        qs = qs | model.objects.filter(pk=keep.pk)
    return qs.select_related("branch").order_by("-occurred_on", "-pk")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos at once; each is checked, re-encoded and stripped by records.photos.photo_add."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("photos"))
        kwargs.setdefault(
            "help_text",
            _("JPEG, PNG or WebP, up to %(mb)s MB each; location data is removed.")
            % {"mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)},
        )
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(
                attrs={
                    "accept": PHOTO_TYPES,
                    "data-max-bytes": settings.PHOTO_MAX_BYTES,
                    "data-too-large": _("The photo is larger than %(mb)s MB.")
                    % {"mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)},
                }
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_PHOTOS_PER_UPLOAD:
            raise ValidationError(
                _("Upload at most %(n)s photos at a time.") % {"n": MAX_PHOTOS_PER_UPLOAD}, code="too_many"
            )
        cleaned = [super(PhotosField, self).clean(f, initial) for f in files]
        for upload in cleaned:
            if upload.size > settings.PHOTO_MAX_BYTES:
                raise ValidationError(
                    _("The photo is larger than %(mb)s MB.") % {"mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)},
                    code="too_large",
                )
        return cleaned


def style_fields(form) -> None:
    """Bootstrap classes and phone-friendly input types, set once for every entry form."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(field, forms.DateField):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
            widget.attrs.setdefault("min", EARLIEST_DATE.isoformat())
            if validate_not_future in field.validators:
                widget.attrs["max"] = timezone.localdate().isoformat()
        elif isinstance(field, forms.TimeField):
            widget.input_type = "time"
            widget.format = "%H:%M"
        elif isinstance(field, forms.DecimalField):
            widget.attrs.setdefault("inputmode", "decimal")
        elif isinstance(field, forms.IntegerField):
            widget.attrs.setdefault("inputmode", "numeric")
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
            continue  # the class would land on the wrapper too; entry.css styles the choices
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
        if isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("rows", 3)


def mask_refused_input(form) -> None:
    """A refused value holding a full ID or mobile number comes back masked (and so does an error
    message quoting it): the page that shows the error never echoes the number."""
    if not form.is_bound or not form._errors:
        return
    data = None
    for name in form._errors:
        key = form.add_prefix(name)
        value = form.data.get(key) if name in form.fields else None
        if isinstance(value, str) and redact(value) != value:
            data = data if data is not None else form.data.copy()
            data[key] = redact(value)
    if data is not None:
        form.data = data
    for errors in form._errors.values():
        if any(redact(message) != message for message in errors):
            errors.data[:] = [redact(message) for message in errors]


class EntryFormMixin:
    """Error rendering shared by every entry form."""

    error_css_class = "is-invalid"
    required_css_class = "required"

    def full_clean(self):
        super().full_clean()
        if self.is_bound:
            self.refuse_fields_not_offered()
        mask_refused_input(self)

    def refuse_fields_not_offered(self) -> None:
        """A post naming a field the portal sets, or a field of the model this form does not
        offer, was not typed into this form (mass assignment): refused, unless it only repeats
        the record's current value."""
        model = getattr(getattr(self, "_meta", None), "model", None)
        model_fields = {f.name: f for f in model._meta.concrete_fields} if model else {}
        instance = getattr(self, "instance", None)
        tampered = []
        for name in sorted((SET_BY_THE_PORTAL | set(model_fields)) - set(self.fields)):
            key = self.add_prefix(name)
            if key not in self.data:
                continue
            if name in model_fields and instance is not None and instance.pk is not None:
                current = model_fields[name].value_from_object(instance)
                if str("" if current is None else current) == str(self.data.get(key)):
                    continue
            tampered.append(name)
        if tampered:
            self.add_error(
                None, _("This form cannot set %(fields)s; nothing was saved.") % {"fields": ", ".join(tampered)}
            )


class RecordForm(EntryFormMixin, forms.ModelForm):
    """Base of each kind's form (in the app's forms.py, listing its fields in Meta.fields).

    The branch dropdown offers only the branches where the user may record, staff fields only
    staff of the user's scope; a new record defaults to the user's home branch and today.
    `version` carries the version the user saw, so a stale edit is refused, not applied.
    """

    # Extra conditions on the offered branches (love-station tallies: stations only).
    branch_filters: dict = {}

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31)

    def __init__(self, *args, user, with_photos: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.editing = self.instance.pk is not None
        # Two at most: whether there is a choice at all (never the whole tree, choosers.py).
        self.offered_branches = list(writable_branches(user, **self.branch_filters)[:2])
        if "branch" in self.fields:
            old = self.fields["branch"]
            self.fields["branch"] = BranchField(
                queryset=writable_branches(user, **self.branch_filters),
                label=old.label,
                help_text=old.help_text,
                empty_label=None if len(self.offered_branches) == 1 else old.empty_label,
                widget=BranchSearchSelect(purpose=kind_for_model(self._meta.model).slug),
            )
        self._scope_staff_fields()
        if self.editing:
            self.fields["version"].required = True
            self.initial["version"] = self.instance.version
        else:
            if with_photos:
                self.fields["photos"] = PhotosField()
            self._set_defaults()
        self.prepare_fields()
        style_fields(self)

    def prepare_fields(self) -> None:
        """Kind-specific changes to the fields, before they are styled."""

    def _post_clean(self):
        announce_relations(self)
        super()._post_clean()

    def _scope_staff_fields(self):
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.ModelMultipleChoiceField) and field.queryset.model is Staff:
                keep = list(getattr(self.instance, name).all()) if self.editing else []
                self.fields[name] = StaffMultipleChoiceField(
                    queryset=staff_in_scope(self.user, keep),
                    required=False,
                    label=field.label,
                    help_text=field.help_text,
                    widget=StaffSearchCheckboxes(group_label=field.label),
                )
            elif isinstance(field, forms.ModelChoiceField) and field.queryset.model is Staff:
                current = getattr(self.instance, name, None) if self.editing else None
                self.fields[name] = StaffChoiceField(
                    queryset=staff_in_scope(self.user, [current] if current else []),
                    required=field.required,
                    label=field.label,
                    help_text=field.help_text,
                    widget=StaffSearchSelect,
                )
            elif isinstance(field, forms.ModelChoiceField) and is_record_model(field.queryset.model):
                current = getattr(self.instance, name, None) if self.editing else None
                self.fields[name] = RecordChoiceField(
                    queryset=records_to_name(field.queryset.model, self.user, current),
                    required=field.required,
                    label=field.label,
                    help_text=field.help_text,
                    widget=RecordSearchSelect(kind=kind_for_model(field.queryset.model).slug),
                )

    def _set_defaults(self):
        if "occurred_on" in self.fields:
            self.initial.setdefault("occurred_on", timezone.localdate())
        if "branch" in self.fields and "branch" not in self.initial:
            home = access_for(self.user).home_branch
            if home is not None and self.fields["branch"].queryset.filter(pk=home.pk).exists():
                self.initial["branch"] = home.pk
            elif self.offered_branches:
                self.initial["branch"] = self.offered_branches[0].pk

    @property
    def can_offer_branch(self) -> bool:
        return "branch" not in self.fields or bool(self.offered_branches)

    def service_fields(self) -> dict:
        """The cleaned values the kind's service function takes (many-to-many as lists)."""
        meta = self._meta.model._meta
        model_fields = {f.name for f in meta.concrete_fields} | {f.name for f in meta.many_to_many}
        # status is bookkeeping, except as the starting state a new case's form offers
        model_fields -= self._meta.model.system_fields - {"status"}
        data = {}
        for name in self.fields:
            if name in model_fields and name in self.cleaned_data:
                value = self.cleaned_data[name]
                data[name] = list(value) if isinstance(self.fields[name], forms.ModelMultipleChoiceField) else value
        return data

    @property
    def photos(self) -> list:
        return getattr(self, "cleaned_data", {}).get("photos") or []


class PhotoUploadForm(EntryFormMixin, forms.Form):
    caption = forms.CharField(label=_("caption"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Made per form, so that its help text speaks the language of the request.
        self.fields = {"photos": PhotosField(required=True), **self.fields}
        style_fields(self)


class VersionForm(EntryFormMixin, forms.Form):
    """The delete confirmation: it carries the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31)
