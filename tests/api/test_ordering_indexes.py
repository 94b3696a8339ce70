"""Every ordering a record kind's API list offers (`?ordering=` over RecordViewSet's
`ordering_fields`) reads an index range at any table size (issue 19: `?ordering=created_at` of
a kind of a million rows sorted the whole table, ~1 s): the field leads an index of the kind's
model, or is its primary key. Generated over the record lists of the URLconf, so a new kind or
ordering field is covered without editing this test."""

from records.api.records import RecordViewSet
from tests.security.routes import all_routes


def leading_columns(model) -> set[str]:
    meta = model._meta
    leading = {meta.pk.name}
    leading |= {index.fields[0].lstrip("-") for index in meta.indexes}
    leading |= {constraint.fields[0] for constraint in meta.constraints if getattr(constraint, "fields", None)}
    leading |= {field.name for field in meta.concrete_fields if field.db_index or field.unique}
    return leading


def record_lists():
    for route in all_routes():
        view = getattr(route.callback, "cls", None)
        actions = getattr(route.callback, "actions", None) or {}
        if view is not None and issubclass(view, RecordViewSet) and actions.get("get") == "list":
            yield route, view


def test_every_record_list_ordering_leads_an_index():
    checked, missing = set(), []
    for route, view in record_lists():
        model = view().kind.model
        checked.add(model)
        for field in view.ordering_fields:
            if field not in leading_columns(model):
                missing.append(f"{route.key}: {model.__name__}.{field}")
    assert len(checked) >= 13  # every record kind
    assert not missing, missing
