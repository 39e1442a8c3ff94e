"""
The site's paragraph convention, applied to what the sanitiser keeps.

Chinese government sites indent every body paragraph by two characters; the public
stylesheet does that (static/css/site.css, `.article-body p`), so a body never carries its
own indent. Editors and the programs they paste from indent by hand instead: Word writes
`text-indent:32pt; mso-char-indent-count:2`, web pages `text-indent:2em`, and many type two
full-width spaces. The sanitiser drops the indent styles (news.sanitize); this module drops
the spaces typed at the start of a block, so that a paragraph is indented once, by the site.

The editor's paste filter and 「一键排版」 (static/admin/portal/ckeditor/portaltypeset/
plugin.js, `normalizeBlocks`) apply the same rule in the browser, so that the editor shows
what will be stored; tests/news/fixtures/normalize_cases.json holds the cases both pass.
"""

import re
from html.parser import HTMLParser

# Where typed spaces are an indent: the start of a paragraph-like block.
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "caption", "figcaption", "blockquote"}
# Content that ends the start of a block although it is not text.
CONTENT_TAGS = {"img", "br", "hr", "table", "figure"}
# Spaces editors type or programs write as an indent: ASCII, no-break, en, em, ideographic.
LEADING_SPACES = " \t\n\r\f\u00a0\u2002\u2003\u3000"
_SPACE_ENTITIES = {"nbsp", "ensp", "emsp"}
# A block's start tag, then only tags, then a space or a character reference: where the
# parser below may have work. Bodies already stored by the rule skip it (it runs on every
# page that shows a body, news.sanitize.safe_html). Attributes are matched as nh3 writes
# them, double-quoted, so a ">" inside a value does not end a tag early.
_TAG = r'</?[a-z][a-z0-9]*(?:\s+[^\s=>/]+(?:="[^"]*")?)*\s*/?>'
_MAY_START_WITH_SPACE = re.compile(
    rf"<(?:{'|'.join(sorted(BLOCKS))})\b(?:\s+[^\s=>/]+(?:=\"[^\"]*\")?)*\s*>(?:{_TAG})*"
    rf"(?:[{LEADING_SPACES}]|&(?:nbsp|ensp|emsp|#))"
)


class _LeadingSpaceRemover(HTMLParser):
    """
    Rewrites sanitised HTML (nh3's output: well formed, quoted, lower-case) token by token,
    keeping every token as written except spaces at the start of a block's text. While a
    block has shown nothing but spaces and tags, its tokens wait in `pending`: text next
    drops the spaces; anything else (an image, a table, a nested block, the block's end:
    `<p>&nbsp;</p>` is CKEditor's blank line) keeps every token as it was.
    """

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out = []
        self.pending = None  # (token, is_space) while at the start of a block, else None

    def _keep_pending(self, drop_spaces):
        if self.pending is not None:
            self.out.extend(token for token, is_space in self.pending if not (drop_spaces and is_space))
            self.pending = None

    def _emit(self, token, is_space=False):
        if self.pending is not None:
            self.pending.append((token, is_space))
        else:
            self.out.append(token)

    def handle_starttag(self, tag, attrs):
        if tag not in BLOCKS and tag not in CONTENT_TAGS:
            self._emit(self.get_starttag_text())
            return
        self._keep_pending(drop_spaces=False)
        self.out.append(self.get_starttag_text())
        if tag in BLOCKS:
            self.pending = []

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self._keep_pending(drop_spaces=False)
        self._emit(f"</{tag}>")

    def handle_data(self, data):
        if self.pending is None:
            self.out.append(data)
            return
        text = data.lstrip(LEADING_SPACES)
        if data != text:
            self.pending.append((data[: len(data) - len(text)], True))
        if text:
            self._keep_pending(drop_spaces=True)
            self.out.append(text)

    def _reference(self, raw, is_space):
        if self.pending is not None and is_space:
            self.pending.append((raw, True))
            return
        self._keep_pending(drop_spaces=True)
        self.out.append(raw)

    def handle_entityref(self, name):
        self._reference(f"&{name};", name in _SPACE_ENTITIES)

    def handle_charref(self, name):
        try:
            char = chr(int(name[1:], 16) if name[:1] in "xX" else int(name))
        except (ValueError, OverflowError):
            char = ""
        self._reference(f"&#{name};", char != "" and char in LEADING_SPACES)

    def handle_comment(self, data):
        self._emit(f"<!--{data}-->")

    def handle_decl(self, decl):
        self._emit(f"<!{decl}>")

    def unknown_decl(self, data):
        self._emit(f"<![{data}]>")


def remove_leading_spaces(value):
    """`value` (sanitised HTML) without the spaces typed at the start of its blocks."""
    if not value or not _MAY_START_WITH_SPACE.search(value):
        return value
    return _parse(value)


def _parse(value):
    remover = _LeadingSpaceRemover()
    remover.feed(value)
    remover.close()
    remover._keep_pending(drop_spaces=False)  # a block left open: as it was
    return "".join(remover.out) + remover.rawdata
