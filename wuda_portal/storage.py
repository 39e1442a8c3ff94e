"""Media in an S3-compatible object store, linked from the site's own /media/ addresses."""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class SiteMediaS3Storage(S3Storage):
    """
    django-storages' S3Storage, except for the URLs it gives: /media/<name> on the site,
    not a signed address on the object store's host. Pages allow images from their own
    origin only (Content-Security-Policy img-src 'self'); article bodies keep the address of
    an editor image for good, which a signed one (valid for an hour) would not stay; and the
    sanitiser keeps images of this site only. nginx serves /media/ from the app servers,
    which stream the object (core.views.media); attachments keep their download view.
    """

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))
