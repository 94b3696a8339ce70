"""The notification list (read and unread), the bell's count, marking read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from branches.access import open_to_metrics_clients
from reminders import services
from reminders.text import sentence

PAGE = 50


@login_required
@require_safe
def notifications(request):
    show = request.GET.get("show", "all")
    listed = services.visible_to(request.user).select_related("branch")
    if show == "unread":
        listed = listed.filter(read_at__isnull=True)
    page = Paginator(listed, PAGE).get_page(request.GET.get("page"))
    items = [(n, sentence(n)) for n in page.object_list]
    context = {"page": page, "items": items, "show": show, "unread": services.unread_count(request.user)}
    return render(request, "reminders/list.html", context)


@open_to_metrics_clients  # every page's navigation bar asks, theirs too (a count of their own)
@login_required
@require_safe
def bell(request):
    """The count in the navigation bar, fetched by htmx after the page loaded."""
    return render(request, "reminders/_bell.html", {"unread": services.unread_count(request.user)})


@login_required
@require_POST
def open_notification(request, pk: int):
    """Mark it read and go to the page where the item is resolved."""
    n = get_object_or_404(services.visible_to(request.user), pk=pk)
    services.mark_read(request.user, pk)
    return redirect(n.url if n.url.startswith("/") and not n.url.startswith("//") else "reminders:list")


@login_required
@require_POST
def mark(request, pk: int):
    get_object_or_404(services.visible_to(request.user), pk=pk)
    if request.POST.get("read") == "0":
        services.mark_unread(request.user, pk)
    else:
        services.mark_read(request.user, pk)
    return redirect(request.POST.get("back") == "unread" and "/notifications/?show=unread" or "reminders:list")


@login_required
@require_POST
def mark_all(request):
    services.mark_read(request.user)
    return redirect("reminders:list")
