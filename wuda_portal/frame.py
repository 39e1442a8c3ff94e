"""What every public page shows around its content: the site profile and friend links."""

from dataclasses import dataclass, field

from django.core.cache import cache

from .cache import cached_for_content
from .models import FriendLink, SiteProfile


@dataclass(frozen=True)
class Link:
    name: str
    url: str


@dataclass(frozen=True)
class SiteFrame:
    profile: SiteProfile
    friend_links: list = field(default_factory=list)  # of Link: plain data, cheap to cache


CACHE_NAME = "site-frame"


def get_site_frame():
    """The site frame, from the cache while the content is unchanged."""
    return cached_for_content(
        CACHE_NAME,
        lambda: SiteFrame(
            profile=SiteProfile.load(),
            friend_links=[Link(name, url) for name, url in FriendLink.objects.visible().values_list("name", "url")],
        ),
    )


def offline_site_frame():
    """
    The frame without touching the database, for the error pages: the cached one if
    there is one, else the default profile.
    """
    entry = cache.get(CACHE_NAME)  # (version, fresh until, frame): any version beats none here
    return entry[2] if entry else SiteFrame(profile=SiteProfile())
