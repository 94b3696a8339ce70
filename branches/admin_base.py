"""The admin of anything hanging off the branch tree: a user's own subtree only."""

from branches.models import Branch


class ScopedAdminMixin:
    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Branch:
            kwargs["queryset"] = Branch.objects.for_user(request.user).filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
