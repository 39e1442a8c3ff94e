"""axe-core on the residents' pages: no serious or critical violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from news.models import Article
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGES = {
    "home": "/",
    "list": "/news/dangjian-dongtai/",
    "article": "ARTICLE",
    "search": "/search/?q=党建",
    "not-found": "/no-such-page/",
}


@pytest.fixture
def demo(media_root):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return Article.objects.filter(attachments__isnull=False).first()


@pytest.mark.parametrize("care_mode", [False, True], ids=["standard", "care-mode"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_serious_or_critical_violations(open_page, live_server, demo, care_mode, viewport):
    page, _ = open_page(viewport)
    if care_mode:
        page.context.add_cookies([{"name": "care_mode", "value": "1", "url": live_server.url}])
    axe = Axe()
    for name, path in PAGES.items():
        page.goto(live_server.url + path.replace("ARTICLE", demo.get_absolute_url()))
        results = axe.run(page)
        serious = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, (name, serious)
        screenshot(page, f"axe-{name}{'-care' if care_mode else ''}")
