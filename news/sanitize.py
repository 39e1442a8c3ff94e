"""
The one sanitiser for rich text that residents see.

Whatever produced the HTML (CKEditor, a paste from Word or WPS, the legacy importer, a
crafted POST), what is stored is what survives this: structure, links to web and mail
addresses, images, tables, and the few inline styles the editor uses for alignment and
indentation. Scripts, event handlers, frames, forms, SVG/MathML and other URL schemes do not.
"""

import html
import posixpath
import re
from urllib.parse import unquote

import nh3
from django.conf import settings
from django.utils.safestring import mark_safe

from .normalize import remove_leading_spaces

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "div", "span",
    "strong", "b", "em", "i", "u", "s", "sub", "sup", "small",
    "ul", "ol", "li",
    "a", "img", "figure", "figcaption",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"style"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start"},
}
# Classes: exactly those CKEditor's enhanced image (image2, configured in CKEDITOR_CONFIGS
# with image2_captionedClass and image2_alignClasses) writes, and site.css styles:
#   <figure class="image [image-style-align-left|right]"><img ...><figcaption>图注</figcaption></figure>
#   <div class="image-style-align-center"><figure class="image">...</figure></div>
#   <p class="image-style-align-center"><img ...></p>
#   <img class="image-style-align-left|right" ...>
IMAGE_ALIGN_CLASSES = ("image-style-align-left", "image-style-align-center", "image-style-align-right")
ALLOWED_CLASSES = {
    "figure": {"image", "image-style-align-left", "image-style-align-right"},
    "img": {"image-style-align-left", "image-style-align-right"},
    "div": {"image-style-align-center"},
    # 「首行缩进」 turned off for one paragraph: site.css does not indent it.
    "p": {"image-style-align-center", "no-indent"},
}
for _tag in ALLOWED_CLASSES:  # the attribute is allowed there; _filter_classes keeps these classes only
    ALLOWED_ATTRIBUTES.setdefault(_tag, set()).add("class")
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}  # narrowed further by _filter_attribute
# Removed together with everything inside them (nh3 drops other unknown tags but keeps
# their text).
DROPPED_WITH_CONTENT = {"script", "style", "title", "svg", "math", "template", "noscript", "iframe", "object"}


# An image tag as nh3 writes it (attributes double-quoted, a '"' inside a value escaped),
# and its address: an image whose src the filter dropped (a paste from Word points at
# file:///C:/…, a data: URL, another host) is dropped whole, as nothing a browser could
# show, and invalid HTML without its src.
_IMAGE_TAG = re.compile(r'<img(?:\s+[^\s=>/]+(?:="[^"]*")?)*\s*/?>')
_SOURCE = re.compile(r'\ssrc="')
# What held a dropped image: a figure left without one keeps its caption's words as a
# paragraph (an empty frame with a caption under nothing, otherwise), and a paragraph or
# block left empty goes.
_DROPPED = "\x00"  # where an image went: nh3 never writes NUL (the parser makes it U+FFFD)
_IMAGELESS_FIGURE = re.compile(r"<figure\b[^>]*>((?:(?!<img\b|</?figure\b).)*)</figure>", re.S)
_CAPTION = re.compile(r"<figcaption\b([^>]*)>((?:(?!</?figcaption\b).)*)</figcaption>", re.S)
_BLOCK = re.compile(r"<(?:p|div|h[1-6]|ul|ol|li|table|blockquote|pre|hr|figure)\b")
# A paragraph, block or inline wrapper whose only content was the dropped image (ASCII
# white space aside: &nbsp; and U+3000 spacers are an editor's).
_EMPTY_HOLDER = re.compile(
    r"<(p|div|span|strong|b|em|i|u|s|a|small|sub|sup)(?: [^>]*)?>[ \t\r\n]*\x00[ \t\r\n\x00]*</\1>"
)
_WEB_OR_MAIL = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
# What a browser removes from a URL before it reads it (WHATWG URL Standard, basic URL
# parser): C0 control characters and spaces at either end, ASCII tabs and newlines anywhere.
_C0_CONTROL_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")


def browser_url(value):
    r"""
    `value` (an attribute's text, entities already decoded) as a browser reads it before
    resolving it: "/\t/evil.example" is "//evil.example" to a browser, so it is here too.
    """
    return value.strip(_C0_CONTROL_OR_SPACE).translate(_TAB_OR_NEWLINE)


def is_local_path(url):
    r"""
    Whether `url` (as browser_url returns it) is a path on this site: one "/" not followed
    by another "/" or by "\", which browsers read as a slash in http(s) addresses, so that
    "/\evil.example/x" and "//evil.example/x" both go to evil.example.
    """
    return url[:1] == "/" and url[1:2] not in ("/", "\\")


def is_site_file(url):
    """
    Whether `url` (as browser_url returns it) is a file of this site: under MEDIA_URL or
    STATIC_URL once dot segments are resolved as a browser resolves them ("%2e" is a dot
    too), with no query. An image may not point at an address that does something when
    fetched (/prefs/ sets every reader's 关怀模式, a download counts one).
    """
    if not is_local_path(url) or "?" in url or "#" in url:
        return False
    path = posixpath.normpath(unquote(url).replace("\\", "/"))  # "\" is a "/" to browsers
    folders = tuple("/" + folder.strip("/") + "/" for folder in (settings.MEDIA_URL, settings.STATIC_URL))
    return path.startswith(folders)


# The styles CKEditor writes for alignment, block indentation and image size, with values
# that are keywords or lengths only: nothing here can load a resource or run code.
# First-line indents (Word's `text-indent:32pt`, `text-indent:2em`) are not kept, nor left or
# justified alignment: the site's stylesheet indents and justifies every body paragraph, so
# a pasted one looks like a typed one (news.normalize).
_LENGTH = r"(?:0|\d{1,4}(?:\.\d{1,3})?(?:px|em|rem|pt|%))"
_STYLE_VALUES = {
    "text-align": re.compile(r"^(right|center|end)$"),
    "float": re.compile(r"^(left|right|none)$"),
    "margin-left": re.compile(rf"^{_LENGTH}$"),
    "width": re.compile(rf"^({_LENGTH}|auto)$"),
    "height": re.compile(rf"^({_LENGTH}|auto)$"),
}
ALLOWED_STYLE_PROPERTIES = set(_STYLE_VALUES)


def _filter_style(value):
    """Keep the layout declarations whose values are plain keywords or lengths."""
    kept = []
    for declaration in value.split(";"):
        name, _, val = declaration.partition(":")
        name, val = name.strip().lower(), val.strip().lower()
        if name in _STYLE_VALUES and _STYLE_VALUES[name].match(val):
            kept.append(f"{name}:{val}")
    return ";".join(kept) or None


def _filter_attribute(tag, attribute, value):
    """
    Links go to web or mail addresses or this site; images come from this site only, as
    no page may load anything from another host; styles keep only layout values.
    Anything else loses the attribute.

    Addresses are judged as a browser reads them (browser_url) and kept in that form. A
    link that looks like a path but leaves the site ("//evil.example", "/\\evil.example")
    is dropped as a disguised one: a link to another site is written with its https://.
    """
    if attribute == "href":
        url = browser_url(value)
        return url if url[:1] == "#" or is_local_path(url) or _WEB_OR_MAIL.match(url) else None
    if attribute == "src":
        url = browser_url(value)
        return url if is_site_file(url) else None
    if attribute == "style":
        return _filter_style(value)
    if attribute == "class":
        return _filter_classes(tag, value)
    return value


def _filter_classes(tag, value):
    """The classes of ALLOWED_CLASSES[tag] that `value` names, in its order; None if none."""
    kept = [name for name in dict.fromkeys(value.split()) if name in ALLOWED_CLASSES.get(tag, ())]
    return " ".join(kept) or None


def sanitize_html(value):
    """Return `value` with everything but the allowed markup removed."""
    if not value:
        return ""
    cleaned = _clean(value)
    if "<img" in cleaned:
        cleaned = _without_dropped_images(cleaned)
    return remove_leading_spaces(cleaned)


def _clean(value):
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_filter_attribute,
        filter_style_properties=ALLOWED_STYLE_PROPERTIES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def _caption_as_text(caption):
    if not caption[2].strip(" \t\r\n"):
        return ""  # an empty caption: nothing to keep
    tag = "div" if _BLOCK.search(caption[2]) else "p"
    return f"<{tag}{caption[1]}>{caption[2]}</{tag}>"


def _figure_left_without_image(figure):
    if _DROPPED not in figure[1]:
        return figure[0]  # no image of it was dropped: not ours to change
    return _CAPTION.sub(_caption_as_text, figure[1])


def _without_dropped_images(cleaned):
    kept = _IMAGE_TAG.sub(lambda image: image[0] if _SOURCE.search(image[0]) else _DROPPED, cleaned)
    if kept == cleaned:
        return cleaned
    kept = _IMAGELESS_FIGURE.sub(_figure_left_without_image, kept)
    for _ in range(4):  # div > p > span > img at most; deeper nests keep an empty wrapper
        kept, count = _EMPTY_HOLDER.subn(_DROPPED, kept)
        if not count:
            break
    # What unwrapping left is parsed again, so that what is stored is what a browser (and
    # the sanitiser on output) reads: well formed, and unchanged by a second pass.
    return _clean(kept.replace(_DROPPED, ""))


def safe_html(value):
    """
    Rich text ready to show, on every page and in the feeds. Bodies are sanitised when
    saved; this sanitises again on output, so that a row that reached the table some other
    way (a bulk insert, a manual UPDATE) is safe too.
    """
    return mark_safe(sanitize_html(value))  # sanitised by nh3 just now


_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|div|h[1-6]|li|tr|blockquote|pre|figcaption|caption)>|<br\s*/?>", re.I)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def html_to_text(value):
    """The readable text of an HTML fragment, one line per block."""
    if not value:
        return ""
    text = _BLOCK_END.sub("\n", value)
    text = html.unescape(_TAG.sub("", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
