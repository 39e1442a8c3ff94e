"""
The object as the database held it before the request, for the reviewed admin (review.admin):
every decision of the review rule is made on it. The change form reads it as it is;
restoring a revision first writes the old version into the database, so those views
remember the stored object before that (`remember_stored`). Also what a revision may hold
(`belongs_to`) and whether the user may change an object (`editable`, which other apps'
inlines ask too).
"""

from core.admin_conflict import read_stored

from . import rules


def _remembered(request):
    if not hasattr(request, "stored_objects"):
        request.stored_objects = {}
    return request.stored_objects


def remember_stored(request, model, object_id):
    """Remember, for this request, the stored `model` object `object_id` (None: there is none)."""
    stored = _remembered(request)
    key = (model._meta.label, str(object_id))
    if key not in stored:
        stored[key] = read_stored(model, object_id, locked=False)
    return stored[key]


def remember_as_read(request, model, object_id, obj):
    """
    Remember `obj` as the stored `model` object `object_id`, read again: the restore views
    read it locked (core.admin_conflict.restore_view), and the rule decides on that.
    """
    _remembered(request)[(model._meta.label, str(object_id))] = obj


def stored_object(request, obj):
    """`obj` as the database held it before this request (None for one it lacked)."""
    return remember_stored(request, type(obj), obj.pk) if obj.pk is not None else None


def belongs_to(version, model, object_id):
    """Whether `version` is of the `model` object `object_id`, or of something that belongs to it."""
    other = version.content_type.model_class()
    if other is model:
        return version.object_id == str(object_id)
    links = [f.attname for f in other._meta.concrete_fields if f.is_relation and f.related_model is model]
    return any(str(version.field_dict.get(link)) == str(object_id) for link in links)


def still_belongs_to(version, model, object_id):
    """
    Whether what `version` is of, as stored now, still belongs to the `model` object
    `object_id` (or no longer exists). Restoring the version writes it back: one that has
    moved since (a topic's article row proposed for another topic and accepted there)
    would be taken from where it is now, under that object's rule, not this one's.
    """
    other = version.content_type.model_class()
    if other is model:
        return True
    current = other._default_manager.filter(pk=version.object_id).first()
    if current is None:
        return True
    links = [f.attname for f in other._meta.concrete_fields if f.is_relation and f.related_model is model]
    return any(str(getattr(current, link)) == str(object_id) for link in links)


def missing_reference(revision):
    """
    (version, field) of the first version in `revision` whose foreign key names a row that
    no longer exists and that the revision does not bring back (an article deleted since a
    topic's version listed it), or None. Writing that version back would point at nothing.
    """
    versions = list(revision.version_set.all())
    brought_back = {(version.content_type.model_class(), version.object_id) for version in versions}
    for version in versions:
        for field in version.content_type.model_class()._meta.concrete_fields:
            if not field.many_to_one:
                continue
            value = version.field_dict.get(field.attname)
            target = field.related_model
            if value is None or (target, str(value)) in brought_back:
                continue
            if not target._base_manager.filter(pk=value).exists():
                return version, field
    return None


def editable(request, obj):
    """Whether the user may change `obj` (and what belongs to it), as stored before the request."""
    stored = stored_object(request, obj) if obj is not None else None
    return stored is None or rules.can_edit(request.user, stored)
