"""Entry pages of honours; an honour's page links the record that earned it."""

from records.pages.records import RecordDetailView


class HonourDetailView(RecordDetailView):
    def detail_context(self, honour) -> dict:
        linked = honour.linked_record if honour.linked_type_id and honour.linked_id else None
        if linked is None or not hasattr(linked, "get_absolute_url"):
            return {}
        if not self.access.in_scope(linked.branch):
            return {}
        return {"linked": linked, "linked_url": linked.get_absolute_url(), "linked_kind": linked.kind_label()}
