"""
Path converters of the portal's addresses. Registered when this module is imported (the
apps' URL modules import it).
"""

from django.urls import register_converter


class IdConverter:
    """
    A database id as an address writes it: no leading zeros (so /articles/0042/ is no second
    address of article 42, nor another entry in the page cache), at most 18 digits.
    """

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")
