"""The admin of anything hanging off the branch tree: a user's own subtree only, and every
relation a search box, never a list of the whole network (issue 19)."""

from branches.models import Branch


class SearchedRelationsMixin:
    """A relation to a model the admin registers is Django's autocomplete (a search box that asks
    admin:autocomplete for 20 matches at a time) when that model's admin has search_fields, else
    a raw id: the add and change pages hold the chosen rows only, whatever the network's size.
    A <select> of every branch, staff member, user or partnership was megabytes at national scale.

    Relations to models the admin does not register (content types, permissions) stay lists:
    they grow with the code, not with the network. config/admin_autocomplete.py keeps the answers
    inside the form field's own choices (the user's scope, active branches)."""

    def _searched_relations(self, searched: bool):
        site, readonly = self.admin_site, set(self.readonly_fields)
        for field in self.model._meta.get_fields():
            if not (field.concrete and field.is_relation and field.editable) or field.one_to_many:
                continue
            if field.name in readonly:
                continue
            if not site.is_registered(field.related_model):
                continue
            if bool(site.get_model_admin(field.related_model).search_fields) is searched:
                yield field.name

    def get_autocomplete_fields(self, request):
        return tuple(dict.fromkeys((*super().get_autocomplete_fields(request), *self._searched_relations(True))))

    @property
    def raw_id_fields(self):
        return tuple(self._searched_relations(False))


class ScopedAdminMixin(SearchedRelationsMixin):
    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Branch:
            kwargs["queryset"] = Branch.objects.for_user(request.user).filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
