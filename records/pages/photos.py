"""Photos of a record: attached all or none, served only to users who can see the record."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.errors import PeriodLocked
from core.kinds import kind_for_slug
from core.uploads import FORM_ALLOWANCE
from records.pages.errors import ServiceRefusalsMixin
from records.pages.forms import MAX_PHOTOS_PER_UPLOAD
from records.photos import photo_add, photo_delete


def photo_request_limit() -> int:
    """The body a page taking photos may declare (config.body_limits): as many photos as one form
    takes, each at the photo limit, and the form around them."""
    return settings.PHOTO_MAX_BYTES * MAX_PHOTOS_PER_UPLOAD + FORM_ALLOWANCE


class PhotoRefused(Exception):
    """A photo failed the checks of records.photos.clean_image; none of the batch is kept."""

    def __init__(self, error: ValidationError):
        self.error = error
        super().__init__(error.messages)


def attach_photos(record, *, user, uploads, caption: str = "") -> list:
    """Attach every upload or none. Call inside the caller's transaction: the rows roll back
    with it, and files already written for this batch are removed here."""
    added = []
    try:
        for upload in uploads:
            upload.seek(0)
            added.append(photo_add(record, user=user, upload=upload, caption=caption))
    except Exception as exc:
        for photo in added:
            photo.image.delete(save=False)
            photo.thumbnail.delete(save=False)
        if isinstance(exc, ValidationError) and not hasattr(exc, "error_dict"):
            raise PhotoRefused(exc) from exc
        raise
    return added


def photo_url(kind, record_pk, photo_pk, action: str = "file") -> str:
    return reverse(f"{kind.app}:photo-{action}", kwargs={"kind": kind.slug, "pk": record_pk, "photo": photo_pk})


class RecordPhotoMixin(LoginRequiredMixin, ServiceRefusalsMixin):
    """The photo of a record the user can see: the record is looked up in the user's scope first."""

    def get_photo(self):
        kind = kind_for_slug(self.kwargs["kind"])
        if kind is None or kind.app != self.request.resolver_match.namespace:
            raise Http404()
        record = get_object_or_404(kind.model.objects.for_user(self.request.user), pk=self.kwargs["pk"])
        photo = get_object_or_404(record.photos.all(), pk=self.kwargs["photo"])
        return kind, record, photo


class PhotoFileView(RecordPhotoMixin, View):
    """The photo (or its thumbnail) itself; never a public media URL."""

    thumbnail = False

    def get(self, request, **kwargs):
        _kind, _record, photo = self.get_photo()
        file = photo.thumbnail if self.thumbnail else photo.image
        try:
            handle = file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404() from None
        response = FileResponse(handle, content_type="image/jpeg")
        response["Content-Disposition"] = "inline"
        return response


class PhotoDeleteView(RecordPhotoMixin, View):
    http_method_names = ["post"]

    def post(self, request, **kwargs):
        _kind, record, photo = self.get_photo()
        try:
            photo_delete(photo, user=request.user)
        except PeriodLocked as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The photo was removed."))
        return redirect(record.get_absolute_url())
