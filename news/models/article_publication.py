"""
The publication time of an article, as the rest of the site asks about it (a mixin of
news.models.Article, whose docstring gives the rules): whether it is public or pinned now,
waiting for its time (定时发布), when it first went public, and the constraint a form
leaves to save() (a published article without a time is given one).
"""

from django.utils import timezone

from review.rules import Status

from .rules import is_pinned_now, is_public


class PublicationTime:
    """Article's publication-time questions (a plain mixin: no fields, no migrations)."""

    def validate_constraints(self, exclude=None):
        # An article being published without a time is given one when it is saved (save()):
        # the database holds that rule, and it is no reason to refuse a form.
        if self.status == Status.PUBLISHED and self.published_at is None and not self.is_scheduled:
            exclude = {*(exclude or ()), "published_at"}
        super().validate_constraints(exclude=exclude)

    # A published article not saved yet may lack its time (save() gives it): neither public
    # nor waiting then.

    @property
    def is_public(self):
        return is_public(self)

    @property
    def is_waiting_for_its_time(self):
        """Published, with a time that has not come yet (定时发布)."""
        published = self.status == Status.PUBLISHED and self.published_at is not None
        return published and self.published_at > timezone.now()

    @property
    def first_publication_time(self):
        """
        When the article first went public (None if it has not): the time it keeps when
        published again without 定时发布.
        """
        if self.published_at is None or not self.is_scheduled:
            return self.published_at  # without 定时发布, a time is only set by publishing
        went_public = self.status in (Status.PUBLISHED, Status.WITHDRAWN)
        return self.published_at if went_public and self.published_at <= timezone.now() else None

    @property
    def is_pinned_now(self):
        return is_pinned_now(self)
