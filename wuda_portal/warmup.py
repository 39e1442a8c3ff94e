"""Work done once when the application loads rather than in some visitor's request."""

from pathlib import Path

from django.template import engines
from django.templatetags.static import static
from django.urls import reverse

from core.release import fingerprint


def warm_up():
    """
    Compile the public templates, build the URL resolver, read the static files' manifest
    and work out the release's fingerprint (core.release). Touches no database.
    """
    public = engines["public"]
    for folder in public.dirs:
        for path in Path(folder).rglob("*.html"):
            public.get_template(str(path.relative_to(folder)))
    reverse("news:home")
    fingerprint()
    # Read before the workers fork, so that a worker started later (one recycled after
    # max_requests) links the static files of its own release, even after the next release
    # has collected its files and written a new manifest (deploy/release.sh).
    try:
        static("css/site.css")
    except ValueError:  # collectstatic has not run: the first page will say so
        pass
