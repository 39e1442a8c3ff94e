"""
电话 as links a phone offers to call (tel:), from the text an editor typed in 站点信息: the
visible text stays as written (0473-3666882), the link holds its digits alone
(tel:04733666882). The field is free text, so each number in it is linked on its own
(0473-3666882、0473-3666883), and what is no number (办公室, 8:30—17:30, 转 801) stays text.
"""

import re
import unicodedata

from markupsafe import Markup, escape

# A run that may be a number: digits (full-width too) with the hyphens, spaces and brackets
# people write in one, optionally after a +.
NUMBER = re.compile(r"[+＋]?[(（]?[0-9０-９][0-9０-９()（）\-－‐ ]*[0-9０-９]")
MIN_DIGITS = 5  # 12380 (the organisation department's reporting line) is a number; 8:30 is not
MAX_DIGITS = 15  # the longest international number: longer runs are several numbers in a row
EXTENSION = re.compile(r"(转|分机)\s*$")  # 转 801 is dialled after the number, not a number


def _digits(run):
    return re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", run))


def _link(run):
    digits = _digits(run)
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        return escape(run)
    plus = "+" if unicodedata.normalize("NFKC", run).startswith("+") else ""
    return Markup('<a href="tel:{}">{}</a>').format(plus + digits, run)


def phone_links(text):
    """`text` (escaped) with each telephone number in it a tel: link."""
    text = str(text or "")
    parts, end = [], 0
    for match in NUMBER.finditer(text):
        parts.append(escape(text[end : match.start()]))
        if EXTENSION.search(text[: match.start()]):
            parts.append(escape(match.group()))
        elif len(_digits(match.group())) > MAX_DIGITS:  # 0473-3666882 0473-3666883
            pieces = match.group().split(" ")
            if all(MIN_DIGITS <= len(_digits(piece)) <= MAX_DIGITS for piece in pieces):
                parts.append(Markup(" ").join(_link(piece) for piece in pieces))
            else:  # 0473 3666882 0473 3666883: a piece alone would dial a wrong number
                parts.append(escape(match.group()))
        else:
            parts.append(_link(match.group()))
        end = match.end()
    parts.append(escape(text[end:]))
    return Markup("").join(parts)
