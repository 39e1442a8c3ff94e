"""The 栏目 tree: one query, kept until the content changes."""

from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse

from core import caching

from ..models import Category


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

    def get_absolute_url(self):
        return self.url


@dataclass
class CategoryTree:
    """All 栏目 with their places in the two-level tree."""

    categories: list

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

    def parent_of(self, category):
        return self.by_id.get(category.parent_id)

    def family_ids(self, category):
        """The ids of `category` and its sub-栏目: a 栏目's list shows both."""
        return [category.pk, *(c.pk for c in self.children.get(category.pk, []))]

    def __getstate__(self):
        # Cache only the list; the lookups are rebuilt on demand.
        return {"categories": self.categories}


def _build_tree():
    fields = ("pk", "name", "slug", "parent_id", "show_in_nav", "description")
    return CategoryTree(
        [
            CategoryEntry(*row, url=reverse("news:category", args=[row[2]]))
            for row in Category.objects.values_list(*fields)
        ]
    )


CATEGORY_TREE = caching.Cached("category-tree", _build_tree)


def category_tree():
    """The 栏目 tree, from the cache while the content is unchanged."""
    return caching.get_one(CATEGORY_TREE)
