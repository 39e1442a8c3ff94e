"""
Parts other apps add to news's pages: the home page (under the headlines) and an article's
page (after the body). News does not know those apps (they depend on news, not the other
way round): an app registers its part from its AppConfig.ready, as attachments adds its
inline to the article form. A part's data is built with the page's own and kept with it,
so it costs no round trip of its own.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PagePart:
    """`build(...)` fetches the part's data (plain data; None: nothing to show), `template` shows it as `data`."""

    name: str
    template: str
    build: object


@dataclass(frozen=True)
class ShownPart:
    template: str
    data: object


class PageParts:
    """The parts registered for one kind of page, in the order added."""

    def __init__(self):
        self._parts = []

    def add(self, part):
        if all(other.name != part.name for other in self._parts):
            self._parts.append(part)

    def build(self, *args):
        shown = [ShownPart(part.template, part.build(*args)) for part in self._parts]
        return [part for part in shown if part.data]


HOME_PARTS = PageParts()
ARTICLE_PARTS = PageParts()


def add_home_part(part):
    """Show `part` (a PagePart whose build() takes nothing) on the home page, under the headlines."""
    HOME_PARTS.add(part)


def add_article_part(part):
    """Show `part` (a PagePart whose build(article_id) takes the article's id) on an article's page, after its body."""
    ARTICLE_PARTS.add(part)
