"""Django admin for record kinds: scoped lists, and every write through the kind's services.

A changelist costs what it shows at any table size (issue 19): no full count (the count stops
at records.paging.COUNT_CAP), no date hierarchy (a period filter instead,
records/admin_filters.py), newest first on the (occurred_on, id) index, the branch and the
other columns' relations joined in the list's one query.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from branches.access import access_for
from branches.admin_base import ScopedAdminMixin
from core.errors import OutOfScope, PeriodLocked, StaleEdit
from records.admin_filters import PeriodListFilter
from records.models import announce_relations
from records.pages.forms import mask_refused_input
from records.paging import CappedPaginator
from records.services import check_can_write, check_months_open, months_touched


class RecordAdminForm(forms.ModelForm):
    """Refuses what the service would refuse, so the admin shows it as a form error."""

    user = None

    def full_clean(self):
        super().full_clean()
        mask_refused_input(self)

    def _post_clean(self):
        announce_relations(self)
        super()._post_clean()  # a refused ID or mobile number is not shown back

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if self.errors or not instance.branch_id:
            return cleaned
        try:
            check_can_write(self.user, instance.branch)
            check_months_open(instance.branch, months_touched(instance))
            if instance.pk:
                original = type(instance).objects.select_related("branch").get(pk=instance.pk)
                check_can_write(self.user, original.branch)
                check_months_open(original.branch, months_touched(original))
        except OutOfScope:
            raise ValidationError({"branch": _("This branch is outside your scope.")}) from None
        except (PermissionDenied, PeriodLocked) as exc:
            raise ValidationError(str(exc)) from None
        return cleaned


class RecordAdmin(ScopedAdminMixin, admin.ModelAdmin):
    create_service = None
    update_service = None
    delete_service = None
    form = RecordAdminForm
    readonly_fields = ("created_by", "created_at", "updated_at", "version")
    list_select_related = ("branch",)
    search_fields = ("notes",)
    ordering = ("-occurred_on", "-id")  # the (occurred_on, id) index, read backwards
    paginator = CappedPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts are aggregates over the whole table
    change_list_template = "admin/records/change_list.html"

    def get_list_filter(self, request):
        return (PeriodListFilter, *super().get_list_filter(request))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def _m2m_names(self, model):
        return [f.name for f in model._meta.many_to_many]

    def save_model(self, request, obj, form, change):
        model = type(obj)
        m2m_names = self._m2m_names(model)
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in m2m_names and k in {f.name for f in model._meta.fields}
        }
        m2m = {k: list(form.cleaned_data[k]) for k in m2m_names if k in form.cleaned_data}
        if change:
            original = model.objects.get(pk=obj.pk)
            changed = {k: v for k, v in data.items() if k in form.changed_data}
            saved = type(self).update_service(original, user=request.user, **changed, **m2m)
        else:
            saved = type(self).create_service(user=request.user, **data, **m2m)
        obj.pk, obj.version = saved.pk, saved.version

    def save_related(self, request, form, formsets, change):
        # Many-to-many values were set by the service; only inline formsets remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        type(self).delete_service(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                type(self).delete_service(obj, user=request.user)
            except (PeriodLocked, PermissionDenied, StaleEdit, OutOfScope) as exc:
                messages.error(request, f"{obj}: {exc}")

    def has_change_permission(self, request, obj=None):
        if obj is not None and not access_for(request.user).can_write_records(obj.branch):
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission
