"""
The workbench's alerts (提醒): the extension point through which checks reach the workbench.

A provider is a function `provider(request)` returning an iterable of `Alert`s (or of
mappings with the same keys, so that a module below desk needs not import it). Providers
are named by dotted path in `settings.WORKBENCH_ALERT_PROVIDERS`, in the order they show:

    WORKBENCH_ALERT_PROVIDERS = ["compliance.alerts.workbench_alerts"]

Each runs on every view of the workbench, within its query budget (≤ 12 queries in all,
tests/desk/test_workbench.py): a provider reads what a check already found (one query, or
the cache), it does not run the check.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Alert:
    level: str  # RED: single-veto (单项否决), or AMBER: due soon
    text: str  # in Chinese, one line: 「栏目“通知公告”已 16 天未更新（要求 2 周）」
    url: str = ""  # where to act on it
    RED = "red"
    AMBER = "amber"

    @property
    def level_label(self):
        return "单项否决" if self.level == self.RED else "即将到期"


def as_alert(item):
    return Alert(**item) if isinstance(item, Mapping) else item


def providers():
    return [import_string(path) for path in getattr(settings, "WORKBENCH_ALERT_PROVIDERS", ())]


def alerts_for(request):
    """Every provider's alerts, red ones first (a stable sort keeps each provider's order)."""
    found = [as_alert(item) for provider in providers() for item in provider(request)]
    return sorted(found, key=lambda alert: alert.level != Alert.RED)
