"""
Reading preferences of older visitors (适老化): font size and the high-contrast 关怀模式,
and what the 无障碍 toolbar changes in the page's look (配色, 放大, 大鼠标, 大字幕).

All live in cookies and are applied by the server as classes on <html>: font size and
关怀模式 work with JavaScript off, and the toolbar's choices are there before the first
paint, with no flash and no inline script. The page cache keys on them (`cache_key_part`).
The toolbar (static/js/toolbar.js) writes its cookie itself; its other choices (朗读,
十字线) change nothing before the reader acts, so the server ignores them.
"""

from dataclasses import dataclass
from functools import cached_property

FONT_COOKIE = "font_size"
CARE_COOKIE = "care_mode"
FONT_SIZES = {"small": "小", "medium": "中", "large": "大"}
DEFAULT_FONT_SIZE = "medium"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
# The toolbar's cookie: tokens joined by ".", e.g. "s-yb.z150.cursor.caption.point".
TOOLBAR_COOKIE = "a11y"
# token -> class on <html>, one token of each group at most.
TOOLBAR_CLASSES = {
    "scheme": {"s-wb": "scheme-wb", "s-yb": "scheme-yb", "s-bl": "scheme-bl"},
    "zoom": {"z125": "zoom-125", "z150": "zoom-150", "z175": "zoom-175", "z200": "zoom-200"},
    "cursor": {"cursor": "big-cursor"},
    "caption": {"caption": "caption-bar"},
}


def toolbar_classes(value):
    """The classes the toolbar's cookie asks for, in a fixed order; anything unknown is ignored."""
    if not value:
        return ()
    tokens = set(value.split("."))
    classes = []
    for choices in TOOLBAR_CLASSES.values():
        chosen = [css for token, css in choices.items() if token in tokens]
        if len(chosen) == 1:
            classes.append(chosen[0])
    return tuple(classes)


@dataclass(frozen=True)
class ReadingPreferences:
    font_size: str = DEFAULT_FONT_SIZE
    care_mode: bool = False
    toolbar: tuple = ()  # classes of the toolbar's choices

    @classmethod
    def from_cookies(cls, cookies):
        if not cookies.keys() & _COOKIES:
            return DEFAULT_PREFERENCES  # most visitors: computed once
        font_size = cookies.get(FONT_COOKIE, DEFAULT_FONT_SIZE)
        if font_size not in FONT_SIZES:
            font_size = DEFAULT_FONT_SIZE
        return cls(
            font_size=font_size,
            care_mode=cookies.get(CARE_COOKIE) == "1",
            toolbar=toolbar_classes(cookies.get(TOOLBAR_COOKIE, "")),
        )

    @classmethod
    def from_request(cls, request):
        return cls() if request is None else cls.from_cookies(request.COOKIES)

    @property
    def html_classes(self):
        classes = [f"font-{self.font_size}"]
        if self.care_mode:
            classes.append("care-mode")
        return " ".join([*classes, *self.toolbar])

    @cached_property
    def cache_key_part(self):
        return f"{self.font_size}.{int(self.care_mode)}.{'.'.join(self.toolbar)}"

    def font_choices(self):
        """(value, label, is_current) for the 大/中/小 links."""
        return [(value, FONT_SIZES[value], value == self.font_size) for value in ("large", "medium", "small")]


_COOKIES = {FONT_COOKIE, CARE_COOKIE, TOOLBAR_COOKIE}
DEFAULT_PREFERENCES = ReadingPreferences()
