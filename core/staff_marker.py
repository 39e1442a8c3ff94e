"""
The staff marker: a signed cookie a logged-in staff member's browser carries beside the
session cookie, so that the page cache (core.pagecache) can tell staff, who always get
fresh pages, from anyone else without a database lookup. A session cookie alone proves
nothing (anyone can send `sessionid=x`); the marker's signature does, in microseconds.
"""

from django.conf import settings
from django.core import signing

STAFF_COOKIE = "portal_staff"
_SALT = "core.staff_marker"


def marker_for(user):
    return signing.dumps(user.pk, salt=_SALT)


def is_staff_marker(value):
    """Whether `value` is a marker this site signed, within a staff session's lifetime."""
    if not value:
        return False
    try:
        signing.loads(value, salt=_SALT, max_age=settings.SESSION_COOKIE_AGE)
    except signing.BadSignature:
        return False
    return True


class StaffMarkerMiddleware:
    """Gives a logged-in staff member the marker, and takes it back when they are not (any more)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        marked = is_staff_marker(request.COOKIES.get(STAFF_COOKIE))
        # Only a request with a session (or a marker) can be a staff member's: nobody else's
        # request touches the session store here.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES and STAFF_COOKIE not in request.COOKIES:
            return response
        user = getattr(request, "user", None)
        staff = user is not None and user.is_authenticated and user.is_staff
        if staff and not marked:
            response.set_cookie(
                STAFF_COOKIE,
                marker_for(user),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif not staff and STAFF_COOKIE in request.COOKIES:
            response.delete_cookie(STAFF_COOKIE, samesite="Lax")
        return response
