"""
The admin session as an editor's page sees it: how long it has left, and 「继续编辑」,
which extends it. static/admin/portal/desk.js asks before warning and before saving.

A staff session ends SESSION_COOKIE_AGE (8 hours) after it was last written, not after the
last request: Django writes a session only when something changes it (the login, or an
extension here). So the end is read from where the session is stored.
"""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

# How long before the end the page warns (and offers 「继续编辑」).
WARNING_SECONDS = 5 * 60
# Backends that keep the session, with its end, in the Session table.
DATABASE_BACKENDS = {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}


def seconds_left(request):
    """Seconds until the current session ends, as stored; without a stored end, a full age."""
    if settings.SESSION_ENGINE in DATABASE_BACKENDS and request.session.session_key:
        ends_at = (
            Session.objects.filter(session_key=request.session.session_key)
            .values_list("expire_date", flat=True)
            .first()
        )
        if ends_at is not None:
            return max(0, int((ends_at - timezone.now()).total_seconds()))
    return request.session.get_expiry_age()


@never_cache
@require_http_methods(["GET", "POST"])
def session_status(request):
    """
    GET: whether the editor is still logged in and for how long (it changes nothing, so
    asking never keeps a session alive). POST (with the CSRF token): 「继续编辑」, the
    session starts its full age again. Once it has ended: authenticated false and where to
    log in (a 200: that is the answer asked for, not a failure the browser should report).
    """
    user = request.user
    if not (user.is_active and user.is_staff):
        return JsonResponse({"authenticated": False, "login_url": reverse("admin:login")})
    if request.method == "POST":
        # Writing the session moves its end to SESSION_COOKIE_AGE from now.
        request.session.modified = True
        left = request.session.get_expiry_age()
    else:
        left = seconds_left(request)
    return JsonResponse({"authenticated": True, "seconds_left": left, "warn_before": WARNING_SECONDS})
