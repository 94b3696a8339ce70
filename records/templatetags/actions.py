"""`{% may "record.edit" obj as allowed %}`: records/actions.py's answer for the signed-in user
(a Decision: true when allowed, `.reason` says why not)."""

from django import template

from records.actions import may as decide

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action, obj=None):
    request = context.get("request")
    return decide(getattr(request, "user", None), action, obj)
