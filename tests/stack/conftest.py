import io

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def media_root(settings, stack):
    """What the tests store goes where the stack's app servers and nginx find it."""
    settings.MEDIA_ROOT = stack.media_root
    return stack.media_root


@pytest.fixture(autouse=True)
def workers_know_the_content_types(stack, django_db_blocker):
    """
    The app servers' workers read content types afresh once a test before this one emptied
    the tables and they came back under new ids (Stack.renew_workers).
    """
    with django_db_blocker.unblock():
        ids = frozenset(ContentType.objects.values_list("pk", flat=True))
    if ids != stack.content_type_ids:
        stack.renew_workers()
        stack.content_type_ids = ids


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
