"""
Reading preferences of older visitors (适老化): font size and the high-contrast 关怀模式.

Both live in cookies and are applied by the server as classes on <html>, so they work
with JavaScript off; the page cache keys on them (see `cache_key_part`).
"""

from dataclasses import dataclass

FONT_COOKIE = "font_size"
CARE_COOKIE = "care_mode"
FONT_SIZES = {"small": "小", "medium": "中", "large": "大"}
DEFAULT_FONT_SIZE = "medium"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


@dataclass(frozen=True)
class ReadingPreferences:
    font_size: str = DEFAULT_FONT_SIZE
    care_mode: bool = False

    @classmethod
    def from_cookies(cls, cookies):
        font_size = cookies.get(FONT_COOKIE, DEFAULT_FONT_SIZE)
        if font_size not in FONT_SIZES:
            font_size = DEFAULT_FONT_SIZE
        return cls(font_size=font_size, care_mode=cookies.get(CARE_COOKIE) == "1")

    @classmethod
    def from_request(cls, request):
        return cls() if request is None else cls.from_cookies(request.COOKIES)

    @property
    def html_classes(self):
        classes = [f"font-{self.font_size}"]
        if self.care_mode:
            classes.append("care-mode")
        return " ".join(classes)

    @property
    def cache_key_part(self):
        return f"{self.font_size}.{int(self.care_mode)}"

    def font_choices(self):
        """(value, label, is_current) for the 大/中/小 links."""
        return [(value, FONT_SIZES[value], value == self.font_size) for value in ("large", "medium", "small")]
