"""
A form whose fields are larger than DATA_UPLOAD_MAX_MEMORY_SIZE is refused with 413 and a
page that says so. Django raises RequestDataTooBig where request.POST is first read (most
often in the CSRF check) and hands it to handler400, core.views.bad_request, which calls
`form_too_large`: one place, whichever code read the form first.

Inside the admin, for staff, the page is in the admin's look: nothing was saved; where the
form keeps its copy in this browser (core.admin_desk), whether it is there and from when
(desk.js, on the page) and how to get it back; how to make the form smaller. Anywhere
else, the site's page. (With DEBUG on, Django answers with its debug page instead: it
calls handler400 only without DEBUG.)
"""

from django.conf import settings
from django.contrib.admin.utils import unquote
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse

from .admin_desk import DeskAdminMixin

_CHUNK = 64 * 1024


def form_too_large(request):
    """The 413 of a form whose fields are larger than DATA_UPLOAD_MAX_MEMORY_SIZE."""
    _read_the_rest(request)
    limit = size_in_words(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    user = getattr(request, "user", None)
    in_admin = request.path_info.startswith(f"/{settings.ADMIN_URL}")
    if not (in_admin and user is not None and user.is_active and user.is_staff):
        return render(request, "413.html", {"limit": limit}, status=413)
    from django.contrib import admin  # the portal's admin site (desk.sites.PortalAdminSite)

    context = {
        **admin.site.each_context(request),
        "title": "内容太大，没有保存",
        "limit": limit,
        "kept": _kept_copy(request),
        "form_url": request.get_full_path(),
    }
    return render(request, "admin/portal/413.html", context, status=413)


# Set on a view (by its login decorator) that answers a request whose session ended
# itself, without reading the body: PublicFormSizeMiddleware lets such requests through.
ENDED_SESSION_ANSWERED = "answers_ended_sessions"


class PublicFormSizeMiddleware:
    """
    Forms as large as DATA_UPLOAD_MAX_MEMORY_SIZE are for the department's staff (a long
    article body); anyone else's request body is held to PUBLIC_DATA_UPLOAD_MAX_SIZE
    (Django's 2.5 MB), so that nobody can make a worker hold 10 MB for a login form. Runs
    after AuthenticationMiddleware and before any form is read (process_view comes later).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.limit = settings.PUBLIC_DATA_UPLOAD_MAX_SIZE

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:  # RequestSizeLimitMiddleware answers it
            length = 0
        if length <= self.limit or request.user.is_staff:
            return self.get_response(request)
        _read_the_rest(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        if match is not None and getattr(match.func, ENDED_SESSION_ANSWERED, False):
            # It says so in its own words (the editor's image upload, in CKEditor's), before
            # it reads anything of the body.
            return self.get_response(request)
        if match is not None and match.namespace == "admin" and match.url_name != "login":
            # Staff whose session ended, with an attachment or a long form: as the admin
            # answers them, the login page, not a limit that is not theirs.
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return render(request, "413.html", {"limit": size_in_words(self.limit)}, status=413)


def size_in_words(size):
    """10485760 -> "10 MB", 2621440 -> "2.5 MB", 1024 -> "1 KB": as the page states a limit."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{round(size / factor, 1):g} {unit}"
    return f"{size} 字节"


def _read_the_rest(request):
    """
    Reads what the refused form left of the body (at most ATTACHMENT_MAX_SIZE + 2 MB:
    core.middleware.RequestSizeLimitMiddleware). gunicorn closes the connection after the
    answer, and with data still unread a client sending straight to it got a reset instead
    of the page (nginx in front copes either way).
    """
    try:
        while request.read(_CHUNK):
            pass
    except OSError:  # the client went away: nobody is left to answer
        pass


def _kept_copy(request):
    """
    What desk.js needs to find the copy it keeps of the refused form in this browser (the
    user and the form's key), and what the form was of; None for a form that keeps none.
    """
    match = request.resolver_match
    model_admin = getattr(match.func, "model_admin", None) if match is not None else None
    if not isinstance(model_admin, DeskAdminMixin):
        return None
    obj = None
    object_id = match.kwargs.get("object_id")
    if object_id is not None:
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None:
            return None
    if not model_admin.keeps_copy(request, obj):
        return None
    return {
        "user": request.user.pk,
        "key": model_admin.autosave_key(obj),
        "what": model_admin.model._meta.verbose_name,
    }
