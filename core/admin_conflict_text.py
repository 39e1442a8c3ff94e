"""
What the edit-conflict check (core.admin_conflict) tells an editor whose save, restore or
recovery it refused: who saved the object last and when, and what became of their input.
"""

from django.utils import timezone
from django.utils.html import format_html

from .names import full_name


def this_one(obj):
    """「这篇文章」, 「这个附件」: `obj` named as the messages name it (the model's `measure_word`, else 篇)."""
    model = type(obj)
    return f"这{getattr(model, 'measure_word', '篇')}{model._meta.verbose_name}"


def changed_by_text(current, user, version_field="updated_at"):
    """Who saved `current` last, and when, as the message says it: 「王审核，2026-12-01 09:30」."""
    who = getattr(current, "updated_by", None)
    if who is not None and who.pk == user.pk:
        name = "您自己在另一个窗口或标签页中"
    elif who is not None:
        name = full_name(who) or who.get_username()
    else:
        name = "他人"
    when = getattr(current, version_field, None)
    return f"{name}，{timezone.localtime(when):%Y-%m-%d %H:%M}" if when else name


def conflict_message(current, *, user, latest_url, version_field="updated_at", changed=(), restoring=False):
    """The refusal; `changed`: the labels of what the other save changed, where known."""
    noun = this_one(current)
    what = f"改动的是：{'、'.join(changed)}。" if changed else ""
    if restoring:
        return format_html(
            "打开这个历史版本后，{}已被修改（{}）。{}历史版本没有恢复，别人的修改仍然保留。"
            '请<a href="{}" target="_blank" rel="noopener">在新窗口打开最新版本</a>查看；'
            "仍需恢复时，请回到历史重新打开这个版本。",
            noun,
            changed_by_text(current, user, version_field),
            what,
            latest_url,
        )
    return format_html(
        "保存前，{}已被修改（{}）。{}您这次的修改没有保存，仍在下面的表单中。"
        '请先复制您改动的内容，再<a href="{}" target="_blank" rel="noopener">在新窗口打开最新版本</a>，'
        "在最新版本上改好后保存，以免覆盖别人的修改。",
        noun,
        changed_by_text(current, user, version_field),
        what,
        latest_url,
    )


def recovered_meanwhile_message(current, *, user, latest_url, version_field="updated_at"):
    """The refusal of a deleted object's recovery: someone else recovered it after the form was opened."""
    noun = this_one(current)
    return format_html(
        "打开这个恢复页面后，{}已被恢复（{}）。您这次的恢复没有执行，别人恢复的内容仍然保留；"
        "您填写的内容仍在下面的表单中。请先复制需要的内容，再"
        '<a href="{}" target="_blank" rel="noopener">在新窗口打开已恢复的{}</a>，在那里修改后保存。',
        noun,
        changed_by_text(current, user, version_field),
        latest_url,
        type(current)._meta.verbose_name,
    )
