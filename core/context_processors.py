from django.utils.functional import SimpleLazyObject

from .frame import get_site_frame
from .preferences import ReadingPreferences


def site(request):
    """
    What the frame of every public page needs: the site profile and friend links (fetched
    only if the page uses them), and the visitor's font size and 关怀模式.
    """
    return {
        "site_frame": SimpleLazyObject(get_site_frame),
        "reading": ReadingPreferences.from_request(request),
    }
