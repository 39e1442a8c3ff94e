from django.utils.functional import SimpleLazyObject

from .selectors import category_tree


def categories(request):
    """The 栏目 tree for the navigation (fetched only if the page uses it)."""
    return {"tree": SimpleLazyObject(category_tree)}
