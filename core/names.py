"""People's names as the site writes them."""

import re

_CJK = re.compile(r"[\u3400-\u9fff]")


def full_name(user):
    """
    A user's full name in Chinese order (王晓明 from last name 王 and first name 晓明), a Latin
    one as Django writes it (Xiaoming Wang); empty for a user without a name.
    """
    first, last = user.first_name.strip(), user.last_name.strip()
    if _CJK.search(first + last):
        return f"{last}{first}"
    return user.get_full_name()
