"""What every public page shows around its content: the site profile and friend links."""

from dataclasses import dataclass, field

from . import caching
from .models import FriendLink, SiteProfile


@dataclass(frozen=True)
class Link:
    name: str
    url: str


@dataclass(frozen=True)
class SiteFrame:
    profile: SiteProfile
    friend_links: list = field(default_factory=list)  # of Link: plain data, cheap to cache


def _build_site_frame():
    links = [Link(name, url) for name, url in FriendLink.objects.visible().values_list("name", "url")]
    return SiteFrame(profile=SiteProfile.load(), friend_links=links)


SITE_FRAME = caching.Cached("site-frame", _build_site_frame)


def get_site_frame():
    """The site frame, from the cache while the content is unchanged."""
    return caching.get_one(SITE_FRAME)


def offline_site_frame():
    """
    The frame without touching the database, for the error pages: the last one kept, of
    whatever content version, else the default profile.
    """
    return caching.last_known(SITE_FRAME) or SiteFrame(profile=SiteProfile())
