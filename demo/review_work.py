"""
The demo's review work (issue 18): one article in review and one returned to its editor
with a comment, so that the workbench has a reviewer's day to show on a fresh `make run`.

load_demo adds them (once); their editor and reviewer are the demo accounts, given to them
by whichever of load_demo and create_demo_accounts runs last.
"""

import json
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.html import escape

from news.models import Article
from review.models import ReviewRecord
from review.records import display_name, record, records_for

WORK = Path(__file__).resolve().parent / "data" / "review_work.json"
EDITOR, REVIEWER = "editor", "reviewer"
Action = ReviewRecord.Action


def load_review_work(categories):
    """Add the demo's articles in review and returned (those missing). Returns how many were added."""
    now = timezone.now()
    added = 0
    for item in json.loads(WORK.read_text(encoding="utf-8")):
        key = f"demo:{item['key']}"
        if Article.objects.filter(external_key=key).exists():
            continue
        returned = "comment" in item
        article = Article.objects.create(
            external_key=key,
            category=categories[item["category"]],
            title=item["title"],
            subtitle=item["subtitle"],
            source=item["source"],
            author=item["author"],
            body="".join(f"<p>{escape(p)}</p>" for p in item["paragraphs"]),
            status=Article.Status.DRAFT if returned else Article.Status.REVIEW,
        )
        kept = [(Action.SUBMITTED, item["submitted_hours_ago"], "")]
        if returned:
            kept.append((Action.RETURNED, item["returned_hours_ago"], item["comment"]))
        for action, hours_ago, comment in kept:
            entry = record(article, action, None, comment)
            entry.at = now - timedelta(hours=hours_ago)
            entry.save(update_fields=["at"])
        added += 1
    give_review_work_to_demo_accounts()
    return added


def give_review_work_to_demo_accounts():
    """The demo editor wrote the work and submitted it; the demo reviewer returned it (if they exist yet)."""
    users = {user.username: user for user in get_user_model().objects.filter(username__in=[EDITOR, REVIEWER])}
    work = Article.objects.filter(external_key__startswith="demo:work-")
    editor, reviewer = users.get(EDITOR), users.get(REVIEWER)
    if editor is not None:
        work.filter(created_by=None).update(created_by=editor, updated_by=editor)
    ids = list(work.values_list("pk", flat=True))
    for action, user in ((Action.SUBMITTED, editor), (Action.RETURNED, reviewer)):
        if user is not None:
            records_for(Article).filter(object_id__in=ids, action=action, user=None).update(
                user=user, user_name=display_name(user)
            )
