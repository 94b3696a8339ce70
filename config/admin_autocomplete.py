"""The admin's autocomplete (the search box of a relation, branches/admin_base.py) answers what
the form would accept and nothing more, at a cost bounded by the page it shows (issue 19).

Django's AutocompleteJsonView answers from the related model's admin (its get_queryset, its
search_fields, its view permission) for any relation pointing at that model. Here the answer is
also narrowed to the choices of the form field it fills (the source admin's formfield: the
user's scope, active branches only), the field must be one its admin shows as a search box, and
the user must be able to add or change in that admin. Pages of 20 are read with a count that
stops one page ahead, so a search over the whole network costs one page, not a COUNT(*).
"""

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied

from records.paging import CappedPaginator


class ScopedAutocompleteJsonView(AutocompleteJsonView):
    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        site = self.admin_site
        if not site.is_registered(source_field.model):
            raise PermissionDenied
        self.source_admin = site.get_model_admin(source_field.model)
        if source_field.name not in self.source_admin.get_autocomplete_fields(request):
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name

    def has_perm(self, request, obj=None):
        source = self.source_admin
        return super().has_perm(request, obj) and (
            source.has_add_permission(request) or source.has_change_permission(request)
        )

    def get_queryset(self):
        queryset = super().get_queryset()
        formfield = self.source_admin.formfield_for_dbfield(self.source_field, self.request)
        choices = getattr(formfield, "queryset", None)
        if choices is not None and choices.query.where:
            queryset = queryset.filter(pk__in=choices.order_by().values("pk"))
        return queryset

    def get_paginator(self, queryset, per_page, *args, **kwargs):
        return CappedPaginator(queryset, per_page, *args, cap=per_page, **kwargs)
