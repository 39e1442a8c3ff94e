"""Work done once when the application loads rather than in some visitor's request."""

from pathlib import Path

from django.template import engines
from django.urls import reverse

from core.release import fingerprint


def warm_up():
    """
    Compile the public templates, build the URL resolver and work out the release's
    fingerprint (core.release). Touches no database.
    """
    public = engines["public"]
    for folder in public.dirs:
        for path in Path(folder).rglob("*.html"):
            public.get_template(str(path.relative_to(folder)))
    reverse("news:home")
    fingerprint()
