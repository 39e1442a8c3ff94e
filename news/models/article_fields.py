"""
What an article's fields accept and what is derived from them: the summary (its lengths,
the automatic one taken from the body), whether a body shows anything, the 外部链接 address
(http or https only), the years a time may have, and the generated name a cover is stored
under.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.text import Truncator

from ..sanitize import html_to_text

SUMMARY_LENGTH = 120
# The longest summary an editor may write (it is the pages' meta description).
SUMMARY_MAX_LENGTH = 300
# 外部链接: a complete web address. Other schemes (javascript:, data:, ftp:) and paths on this
# site are refused: the address is a link residents follow from every list of titles.
EXTERNAL_URL_SCHEMES = ("http", "https")
validate_external_url = URLValidator(
    schemes=EXTERNAL_URL_SCHEMES,
    message="外部链接必须是以 http:// 或 https:// 开头的完整网址，例如 https://www.12371.cn/…。",
    code="external_url_scheme",
)

# 发布时间 and 置顶截止时间: a year outside these is a slip of the keyboard (0202, 1025, 2205),
# and a time in year 1 is stored by PostgreSQL as 1 BC, which no page can read back. Older
# articles are still entered (补录旧文章) with their own dates.
EARLIEST_YEAR, LATEST_YEAR = 1949, 2099


def validate_plausible_year(value):
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            "年份 %(year)s 有误，请填写 %(earliest)s 年至 %(latest)s 年之间的时间。",
            code="implausible_year",
            params={"year": value.year, "earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )


def cover_upload_to(instance, filename):
    """Covers are stored under a generated name; the uploader's name is not used."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"covers/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def has_content(body):
    """Whether a (sanitised) body shows anything: text or an image (the editor leaves <p>&nbsp;</p>)."""
    return bool(html_to_text(body).strip()) or "<img" in body


def summary_of(body):
    """The automatic summary of a (sanitised) body: the start of its text, on one line."""
    return Truncator(html_to_text(body).replace("\n", " ").strip()).chars(SUMMARY_LENGTH)
