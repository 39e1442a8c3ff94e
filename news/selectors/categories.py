"""
The 栏目 tree and the published single pages that sit in it (the navigation, the footer's
links, a 栏目's sub-navigation, the 网站地图, and search, which matches their titles and
text here): one query, kept until the content changes.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import BigIntegerField, F, Value
from django.urls import reverse

from core import caching

from ..models import Category, Page
from ..sanitize import html_to_text


@dataclass(frozen=True)
class CategoryEntry:
    """A 栏目 as the pages show it: plain data, cheap to cache and to load from the cache."""

    pk: int
    name: str
    slug: str
    parent_id: int | None
    show_in_nav: bool
    description: str
    url: str
    order: int = 0
    shown_page_id: int | None = None  # the single page it shows instead of a list

    def get_absolute_url(self):
        return self.url


@dataclass(frozen=True)
class PageEntry:
    """A published single page, as the navigation, the footer and the 网站地图 link to it."""

    pk: int
    title: str
    slug: str
    show_in_nav: bool
    nav_order: int
    show_in_footer: bool
    category_id: int | None
    url: str
    # Its body as plain text, for search: single pages are few and short, and matching them
    # here costs the search page no query of its own (news.selectors.search.matching_pages).
    text: str = field(default="", repr=False)

    @property
    def name(self):
        return self.title

    def get_absolute_url(self):
        return self.url


@dataclass(frozen=True)
class MenuItem:
    """An entry of the main navigation: a 栏目 (key: its id) or a single page (key: "page:<slug>")."""

    name: str
    url: str
    key: object


@dataclass
class CategoryTree:
    """All 栏目 with their places in the two-level tree."""

    categories: list
    pages: list = field(default_factory=list)  # of PageEntry, published, in menu order

    @cached_property
    def by_slug(self):
        return {c.slug: c for c in self.categories}

    @cached_property
    def by_id(self):
        return {c.pk: c for c in self.categories}

    @cached_property
    def children(self):
        children = {c.pk: [] for c in self.categories}
        for c in self.categories:
            if c.parent_id in children:
                children[c.parent_id].append(c)
        return children

    @cached_property
    def top_level(self):
        return [c for c in self.categories if c.parent_id is None]

    @cached_property
    def navigation(self):
        return [c for c in self.top_level if c.show_in_nav]

    @cached_property
    def outline(self):
        """[(first-level 栏目, [its sub-栏目])], in order."""
        return [(c, self.children[c.pk]) for c in self.top_level]

    @cached_property
    def menu(self):
        """The main navigation: its 栏目 and the single pages shown there, by their orders (栏目 first on a tie)."""
        items = [(c.order, 0, MenuItem(c.name, c.url, c.pk)) for c in self.navigation]
        items += [(p.nav_order, 1, MenuItem(p.title, p.url, f"page:{p.slug}")) for p in self.pages if p.show_in_nav]
        return [item for *_, item in sorted(items, key=lambda entry: entry[:2])]

    @cached_property
    def footer_pages(self):
        return [p for p in self.pages if p.show_in_footer]

    @cached_property
    def pages_by_id(self):
        return {p.pk: p for p in self.pages}

    def pages_under(self, category):
        """The single pages in a 栏目's sub-navigation."""
        return [p for p in self.pages if p.category_id == category.pk]

    @cached_property
    def pages_on_their_own(self):
        """Published single pages under no 栏目 (the 网站地图 lists them apart)."""
        return [p for p in self.pages if p.category_id is None]

    def section_pages(self, category):
        """
        A 栏目's pages as the sidebar of a single page lists them (MenuItem, key: the page's
        id): the page it shows, at the 栏目's address, then the pages under it.
        """
        shown = self.shown_page(category)
        items = [MenuItem(shown.title, category.get_absolute_url(), shown.pk)] if shown else []
        return items + [
            MenuItem(p.title, p.url, p.pk) for p in self.pages_under(category) if not shown or p.pk != shown.pk
        ]

    def shown_page(self, category):
        """The published single page `category` shows instead of its list, or None."""
        return self.pages_by_id.get(category.shown_page_id) if category.shown_page_id else None

    def parent_of(self, category):
        return self.by_id.get(category.parent_id)

    def family_ids(self, category):
        """The ids of `category` and its sub-栏目: a 栏目's list shows both."""
        return [category.pk, *(c.pk for c in self.children.get(category.pk, []))]

    def __getstate__(self):
        # Cache only the list; the lookups are rebuilt on demand.
        return {"categories": self.categories, "pages": self.pages}


# The columns of the tree's one query: 栏目 and published single pages side by side (UNION
# ALL), each page's own names for the same kind of thing mapped onto a 栏目's.
_TREE_COLUMNS = ("pk", "name", "slug", "parent_id", "show_in_nav", "description", "order", "shown_page_id",
                 "show_in_footer", "is_page", "body")  # fmt: skip


def _tree_rows():
    """The tree's rows as dicts of _TREE_COLUMNS: 栏目 first, then pages, each by their order and id."""
    categories = Category.objects.annotate(show_in_footer=Value(False), is_page=Value(False), body=Value(""))
    pages = Page.objects.published().annotate(
        name=F("title"),
        parent_id=F("category_id"),
        description=Value(""),
        order=F("nav_order"),
        shown_page_id=Value(None, output_field=BigIntegerField()),
        is_page=Value(True),
    )
    # The parts unordered (SQLite allows no ORDER BY in them); the rows are few and sorted here.
    union = categories.order_by().values_list(*_TREE_COLUMNS)
    union = union.union(pages.order_by().values_list(*_TREE_COLUMNS), all=True)
    rows = [dict(zip(_TREE_COLUMNS, values, strict=True)) for values in union]
    return sorted(rows, key=lambda row: (row["is_page"], row["order"], row["pk"]))


def _build_tree():
    categories, pages = [], []
    for row in _tree_rows():
        if row["is_page"]:
            url = reverse("news:page", args=[row["slug"]])
            pages.append(
                PageEntry(
                    pk=row["pk"],
                    title=row["name"],
                    slug=row["slug"],
                    show_in_nav=row["show_in_nav"],
                    nav_order=row["order"],
                    show_in_footer=row["show_in_footer"],
                    category_id=row["parent_id"],
                    url=url,
                    text=html_to_text(row["body"]),
                )  # fmt: skip
            )
        else:
            url = reverse("news:category", args=[row["slug"]])
            del row["show_in_footer"], row["is_page"], row["body"]
            categories.append(CategoryEntry(**row, url=url))
    return CategoryTree(categories, pages)


CATEGORY_TREE = caching.Cached("category-tree", _build_tree)


def category_tree():
    """The 栏目 tree, from the cache while the content is unchanged."""
    return caching.get_one(CATEGORY_TREE)
