"""Topics as the public pages show them: plain data, formatted once when page data is built."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone


def period_text(start, end):
    """2026-01-01 至 2026-12-31, or 2026-01-01 起 for a topic with no end."""
    return f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}" if end else f"{start:%Y-%m-%d} 起"


@dataclass(frozen=True)
class ShownTopic:
    """A topic as its page, the index and the home page's strip show it."""

    pk: int
    name: str  # as breadcrumbs call what they show
    slug: str
    description: str
    banner_url: str
    period: str
    is_running: bool
    url: str

    @classmethod
    def of(cls, topic):
        today = timezone.localdate()
        return cls(
            pk=topic.pk,
            name=topic.title,
            slug=topic.slug,
            description=topic.description,
            banner_url=topic.banner.url,
            period=period_text(topic.start_date, topic.end_date),
            is_running=topic.start_date <= today and (topic.end_date is None or topic.end_date >= today),
            url=reverse("topics:topic", args=[topic.slug]),
        )

    @property
    def title(self):
        return self.name

    def get_absolute_url(self):
        return self.url


@dataclass(frozen=True)
class ShownSection:
    """A section of a topic, with how many public articles it has."""

    pk: int
    name: str
    count: int
    url: str

    @classmethod
    def of(cls, section, topic_slug, count):
        return cls(section.pk, section.title, count, reverse("topics:section", args=[topic_slug, section.pk]))

    def get_absolute_url(self):
        return self.url


@dataclass(frozen=True)
class PageLink:
    """A page a breadcrumb names (专题, the index of topics)."""

    name: str
    url: str

    def get_absolute_url(self):
        return self.url


def index_link():
    return PageLink("专题", reverse("topics:index"))
