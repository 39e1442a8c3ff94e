"""
Restoring a version in the admin (django-reversion's revision and recover views, checked by
core.admin_conflict): the version read once for the request, and the lock that makes two
restores of the same object wait for each other.

Restoring an object that exists locks its row; a deleted one has no row to lock, so two
editors recovering it at once would both write it back, and the second would fail on its
primary key (an IntegrityError, a 500). `lock_restores_of` takes a transaction-level
advisory lock on the object instead: the second waits for the first to commit, then finds
the object recovered and is refused (RECOVERED_MEANWHILE in core.admin_conflict).
"""

from django.db import router, transaction
from reversion.models import Version


def lock_restores_of(model, object_id):
    """
    Wait for, then hold until the transaction ends, the right to restore the `model` object
    `object_id` (PostgreSQL; SQLite writes one transaction at a time anyway).
    """
    connection = transaction.get_connection(router.db_for_write(model))
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"restore:{model._meta.label}:{object_id}"])


def restore_version(request, model, version_id):
    """The `model` Version `version_id` (None: there is none), read once for the request's recover view."""
    read = request.__dict__.setdefault("restore_versions", {})
    key = (model._meta.label, str(version_id))
    if key not in read:
        read[key] = Version.objects.get_for_model(model).select_related("revision").filter(pk=version_id).first()
    return read[key]


def refused_as(response, code):
    """Whether `response` is a change form refused with a form error of `code`."""
    adminform = (getattr(response, "context_data", None) or {}).get("adminform")
    errors = adminform.form.non_field_errors().as_data() if adminform is not None else ()
    return any(error.code == code for error in errors)
