import io

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command

from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def media_root(settings, stack):
    """What the tests store goes where the stack's app servers and nginx find it."""
    settings.MEDIA_ROOT = stack.media_root
    return stack.media_root


@pytest.fixture
def demo(transactional_db, media_root):
    """The demo content (tests that empty the tables remove it, so each loads it again)."""
    call_command("load_demo", stdout=io.StringIO())


def staff_member(username, group=None, **fields):
    """A user who can log in to the stack, whose production settings hash with PBKDF2."""
    user = UserFactory(username=username, group=group, **fields)
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save()
    return user
