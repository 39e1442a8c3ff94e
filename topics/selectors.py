"""
What the topic pages, and the home page's strip of running topics, show. Each page's data
is read with the site frame and the 栏目 tree in one round trip (core.caching); a section
no public article is in is left out, not shown empty.
"""

from dataclasses import dataclass, replace

from django.db.models import Case, Count, F, IntegerField, Value, When, Window
from django.db.models.functions import RowNumber

from core import caching
from core.frame import SITE_FRAME
from news.models import Article
from news.presenters import ListedArticle
from news.selectors import CountedPaginator, page_of
from news.selectors.categories import CATEGORY_TREE

from .models import Topic, TopicSection, accepted_entries
from .presenters import ShownSection, ShownTopic

SECTION_PREVIEW_SIZE = 10  # a section's newest articles on its topic's page
HOME_TOPIC_COUNT = 3
PER_PAGE = 20
TOPIC_FIELDS = ("id", "title", "slug", "description", "banner", "start_date", "end_date")


def listed(article):
    """An article in a topic's list: a pin belongs to its 栏目's list, not to the topic's."""
    return replace(ListedArticle.of(article), is_pinned_now=False)


@dataclass(frozen=True)
class TopicPage:
    topic: ShownTopic
    sections: list  # of (ShownSection, [ListedArticle]), sections with public articles only


@dataclass(frozen=True)
class SectionPage:
    topic: ShownTopic
    section: ShownSection
    page: object  # a Page of ListedArticle


def _entries(**entry):
    """
    The public articles accepted into the topic's sections `entry` names (topic_id=, or
    section_id= for one section: one filter(), so that the annotations below read the same
    join), each section's in its order (newest first, or by hand), numbered within the
    section (`rank`) and with the section's count (`total`).
    """
    by_hand = Case(
        When(topic_entries__section__ordering=TopicSection.Ordering.MANUAL, then=F("topic_entries__order")),
        default=Value(0),
        output_field=IntegerField(),
    )
    section = F("topic_entries__section_id")
    order = [by_hand.asc(), F("published_at").desc(), F("id").desc()]
    return (
        Article.objects.published()
        .filter(
            accepted_entries("topic_entries__"), **{f"topic_entries__{name}": value for name, value in entry.items()}
        )
        .for_listing()
        .annotate(
            section_id=section,
            section_title=F("topic_entries__section__title"),
            section_order=F("topic_entries__section__order"),
            rank=Window(RowNumber(), partition_by=[section], order_by=order),
            total=Window(Count("id"), partition_by=[section]),
        )
    )


def _build_topic_page(slug):
    topic = Topic.objects.published().only(*TOPIC_FIELDS).filter(slug=slug).first()
    if topic is None:
        # Not kept: anyone can make up addresses by the million.
        return caching.Unkept()
    rows = list(
        _entries(topic_id=topic.pk)
        .filter(rank__lte=SECTION_PREVIEW_SIZE)
        .order_by("section_order", "section_id", "rank")
    )
    sections = {}
    for article in rows:
        if article.section_id not in sections:
            section = TopicSection(pk=article.section_id, title=article.section_title)
            sections[article.section_id] = (ShownSection.of(section, topic.slug, article.total), [])
        sections[article.section_id][1].append(listed(article))
    return TopicPage(ShownTopic.of(topic), list(sections.values()))


def topic_page(slug):
    """(tree, TopicPage or None) for the topic `slug`."""
    page = caching.Cached(f"topic:{caching.short_name(slug)}", lambda: _build_topic_page(slug), caching.object_seconds)
    _, tree, data = caching.get(SITE_FRAME, CATEGORY_TREE, page)
    return tree, data


def _build_section_page(slug, pk, number):
    section = (
        TopicSection.objects.select_related("topic")
        .only("id", "title", *(f"topic__{name}" for name in TOPIC_FIELDS))
        .filter(pk=pk, topic__slug=slug, topic__in=Topic.objects.published())
        .first()
    )
    if section is None:
        return caching.Unkept()
    count = (
        Article.objects.published().filter(accepted_entries("topic_entries__"), topic_entries__section_id=pk).count()
    )
    if count == 0:
        return caching.Unkept()  # a section with no public article is hidden: no page of its own
    number = CountedPaginator(count, PER_PAGE).validate_number(number)  # InvalidPage past the last page
    start = (number - 1) * PER_PAGE
    rows = _entries(section_id=pk).order_by("rank")[start : start + PER_PAGE]
    page = page_of([listed(article) for article in rows], number, count, PER_PAGE)
    return SectionPage(ShownTopic.of(section.topic), ShownSection.of(section, slug, count), page)


def section_page(slug, pk, number):
    """(tree, SectionPage or None) for page `number` of a topic's section; InvalidPage past its end."""
    page = caching.Cached(
        f"topic-section:{caching.short_name(slug)}:{pk}:{number}",
        lambda: _build_section_page(slug, pk, number),
        caching.object_seconds,
    )
    _, tree, data = caching.get(SITE_FRAME, CATEGORY_TREE, page)
    return tree, data


def _build_index():
    topics = list(Topic.objects.published().only(*TOPIC_FIELDS))
    # Current first (in their order), then the ended ones, the latest ended first.
    shown = [ShownTopic.of(topic) for topic in topics]
    running = [topic for topic in shown if topic.is_running]
    ended = sorted(
        (topic for topic in topics if not ShownTopic.of(topic).is_running),
        key=lambda t: (t.end_date, t.pk),
        reverse=True,
    )
    return running, [ShownTopic.of(topic) for topic in ended]


TOPIC_INDEX = caching.Cached("topics", _build_index, caching.object_seconds)


def topic_index():
    """(tree, running, ended): the topics of /topics/, current first."""
    _, tree, (running, ended) = caching.get(SITE_FRAME, CATEGORY_TREE, TOPIC_INDEX)
    return tree, running, ended


def home_strip():
    """The running topics shown on the home page (at most three, in their order): built with the home page's data."""
    topics = Topic.objects.running().filter(show_on_home=True).only(*TOPIC_FIELDS)[:HOME_TOPIC_COUNT]
    return [ShownTopic.of(topic) for topic in topics]


def topics_of_article(article_id):
    """The public topics article `article_id` is in (本文所属专题), built with the article's page data."""
    topics = Topic.objects.published().filter(accepted_entries("entries__"), entries__article_id=article_id)
    topics = topics.distinct().only(*TOPIC_FIELDS)
    return [ShownTopic.of(topic) for topic in topics]
