"""Nothing answered to a signed-in user is kept by a browser's or a proxy's cache (issue 15).

Every page, API answer, export, photo and redirect of an authenticated request (a session at
its start or its end, an Authorization header, or an API token that REST framework
authenticated: it sets request.user too) gets
`Cache-Control: private, no-store`, replacing whatever the view set: a shared computer's
browser cache or a proxy must not hand a ledger export or a customer's photo to the next user.
Static files never reach this middleware (whitenoise answers them first) and keep their
long, immutable caching.
"""

NO_STORE = "private, no-store"


def _authenticated(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META


class PrivateNoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = _authenticated(request)  # before the view: logging out ends it
        response = self.get_response(request)
        if signed_in or _authenticated(request):
            response["Cache-Control"] = NO_STORE
            if response.has_header("Expires"):
                del response["Expires"]
        return response
