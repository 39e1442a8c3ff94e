from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from .cache import bump_content_version
from .models import FriendLink, SiteProfile

# A receiver rather than a save() override: deletions from the admin's bulk action call
# neither save() nor delete() on the instances, but they do send these signals.
for model in (SiteProfile, FriendLink):
    post_save.connect(bump_content_version, sender=model, dispatch_uid=f"bump-{model.__name__}-save")
    post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"bump-{model.__name__}-delete")

# Sent when a page comes from the page cache with the `cache_hit_payload` its view set
# (arguments: environ, payload), so that apps can count what the view would have counted.
cached_page_served = Signal()
