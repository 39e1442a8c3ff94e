"""
The 适老化 rules (互联网网站适老化通用设计规范), measured on computed styles in Chromium, on
every page type:

- main text at least 24 px in 关怀模式 (18 px otherwise, at the default font size);
- line height at least 1.5 in 关怀模式, for every piece of text;
- paragraph spacing at least 1.3 times the line spacing in 关怀模式: the blank between two
  paragraphs of running text is at least 1.3 times the blank between two of their lines
  (line height minus font size); the stricter of the two readings of the rule;
- text contrast at least 7:1 in 关怀模式 and in each 配色, 4.5:1 otherwise, for every piece
  of visible text, against the backgrounds actually behind it (gradient stops; an image
  counts as both white and black, whichever is worse);
- every link and control at least 44 x 44 px in 关怀模式 (links in the running text of an
  article body excepted, as WCAG 2.5.8 does);
- nothing moves by itself in 关怀模式 or with prefers-reduced-motion.
"""

import pytest
from django.core.management import call_command

from news.models import Article
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/news/dangjian-dongtai/",
    "/news/shequ-dangjian/",
    "ARTICLE",
    "ARTICLE?print=1",
    "/search/?q=党建",
    "/search/?q=没有这样的词语",
    "/sitemap/",
    "/no-such-page/",
]
MAIN_TEXT = (
    ".article-body p, .article-body li, .article-body td, .article-title, .title-list a, .search-results h2 a,"
    " .snippet, .page-title, .lead, .empty, .hint, .error-page p, .site-map a, .result-count, .attachments li > a:first-child,"
    " .prev-next a, .print-page .article-body p"
)

MEASURE = r"""
([mainText, care]) => {
  const problems = [];
  const describe = el => el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") + " “" + (el.innerText || el.value || "").trim().slice(0, 20) + "”";
  const shown = el => {
    if (el.closest("[hidden], dialog:not([open]), .visually-hidden, [aria-hidden='true']")) return false;
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && cs.visibility !== "hidden";
  };
  const texts = [...document.body.querySelectorAll("*")].filter(el =>
    !["SCRIPT", "STYLE", "OPTION", "NOSCRIPT"].includes(el.tagName) && shown(el) &&
    [...el.childNodes].some(n => n.nodeType === 3 && n.nodeValue.trim()));

  // Colours ------------------------------------------------------------------------------
  const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, bottom) => { const a = top[3]; return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]); };
  const luminance = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  // Every background the text may stand on: the layers from the element outwards, down to
  // the first opaque one, or to an image the element is laid over (white or black beneath).
  const white = [255, 255, 255, 1], black = [0, 0, 0, 1];
  const inside = (box, x, y) => x >= box.left && x <= box.right && y >= box.top && y <= box.bottom;
  const imageUnder = el => {
    const r = el.getBoundingClientRect();
    return [...document.images].find(img => shown(img) && !el.contains(img) && inside(img.getBoundingClientRect(), r.left + r.width / 2, r.top + r.height / 2)) || null;
  };
  const backgrounds = el => {
    const image = imageUnder(el);
    let layers = [[]];  // each candidate: list of colours, nearest first
    for (let node = el; node; node = node.parentElement) {
      if (image && node.contains(image)) return layers.flatMap(l => [l.concat([white]), l.concat([black])]);
      const cs = getComputedStyle(node);
      const colour = parse(cs.backgroundColor);
      const picture = cs.backgroundImage;
      if (colour && colour[3] > 0) layers = layers.map(l => l.concat([colour]));
      if (colour && colour[3] === 1) return layers;
      if (picture && picture !== "none" && !node.classList.contains("site-emblem")) {
        const stops = picture.startsWith("url(") ? [white, black] : (picture.match(/rgba?\([^)]+\)/g) || []).map(parse);
        // Each stop is a candidate; an opaque stop ends the walk for that candidate.
        const next = [];
        for (const l of layers) for (const stop of stops) next.push(l.concat([stop]));
        if (stops.every(stop => stop[3] === 1)) return next;
        layers = next;
      }
    }
    return layers.map(l => l.concat([white]));
  };
  const flatten = layers => layers.reduceRight((below, top) => below ? over(top, below) : top, null);

  for (const el of texts) {
    const cs = getComputedStyle(el);
    const size = parseFloat(cs.fontSize);
    let opacity = 1;
    for (let node = el; node; node = node.parentElement) opacity *= parseFloat(getComputedStyle(node).opacity);
    const text = parse(cs.color);
    text[3] *= opacity;
    const candidates = backgrounds(el).map(flatten);
    const worst = Math.min(...candidates.map(bg => ratio(over(text, bg), bg)));
    if (!(worst >= mainText.contrast)) problems.push(["contrast", describe(el), Math.round(worst * 100) / 100]);
    if (care) {
      const lh = parseFloat(cs.lineHeight);
      if (!(lh / size >= 1.5 - 0.01)) problems.push(["line-height", describe(el), cs.lineHeight, cs.fontSize]);
    }
  }

  // Main text sizes -------------------------------------------------------------------------
  for (const el of document.querySelectorAll(mainText.selector)) {
    if (!shown(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < mainText.size - 0.01) problems.push(["main text size", describe(el), size]);
  }

  if (care) {
    // Paragraph spacing in running text.
    for (const p of document.querySelectorAll(".article-body p + p")) {
      const before = p.previousElementSibling;
      if (!shown(p) || !shown(before)) continue;
      const cs = getComputedStyle(before);
      const blankBetweenLines = parseFloat(cs.lineHeight) - parseFloat(cs.fontSize);
      const gap = p.getBoundingClientRect().top - before.getBoundingClientRect().bottom;
      if (!(gap >= 1.3 * blankBetweenLines - 0.5)) problems.push(["paragraph spacing", describe(p), gap, blankBetweenLines]);
    }
    // Targets.
    for (const el of document.querySelectorAll("a[href], button, input, select, textarea, summary, [role=button]")) {
      if (!shown(el) || el.closest(".article-body")) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 44 - 0.5 || r.height < 44 - 0.5) problems.push(["target size", describe(el), Math.round(r.width), Math.round(r.height)]);
    }
  }
  return problems;
}
"""


@pytest.fixture
def demo(media_root):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return Article.objects.published().filter(attachments__isnull=False).first()


VARIANTS = {
    # name: (cookies, care rules, main text size, contrast)
    "standard": ({}, False, 18, 4.5),
    "care-mode": ({"care_mode": "1"}, True, 24, 7),
    "care-mode-small-font": ({"care_mode": "1", "font_size": "small"}, True, 24, 7),
    "scheme-wb": ({"a11y": "s-wb"}, False, 18, 7),
    "scheme-yb": ({"a11y": "s-yb"}, False, 18, 7),
    "scheme-bl": ({"a11y": "s-bl"}, False, 18, 7),
}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_page_type_meets_the_rules(open_page, live_server, demo, variant, viewport):
    cookies, care, size, contrast = VARIANTS[variant]
    page, _ = open_page(viewport)
    page.context.add_cookies([{"name": k, "value": v, "url": live_server.url} for k, v in cookies.items()])
    found = {}
    for path in PAGES:
        path = path.replace("ARTICLE", demo.get_absolute_url())
        page.goto(live_server.url + path)
        problems = page.evaluate(MEASURE, [{"selector": MAIN_TEXT, "size": size, "contrast": contrast}, care])
        if problems:
            found[path] = problems
    assert not found, found


def slide_position(page):
    return page.locator("[data-slides]").evaluate("s => s.scrollLeft")


@pytest.mark.parametrize(
    "setting", ["standard", "care-mode", "reduced-motion", "reduced-motion-care-mode"], ids=lambda s: s
)
def test_nothing_moves_by_itself_in_care_mode_or_with_reduced_motion(open_page, live_server, demo, setting):
    page, _ = open_page(DESKTOP, reduced_motion="reduce" if "reduced" in setting else "no-preference")
    if "care" in setting:
        page.context.add_cookies([{"name": "care_mode", "value": "1", "url": live_server.url}])
    page.clock.install()
    page.goto(live_server.url + "/")
    page.mouse.move(5, 5)  # not over the slideshow, which stops while pointed at
    start = slide_position(page)
    page.clock.run_for(20_000)
    page.wait_for_timeout(600)  # let a smooth scroll, if any, finish
    moved = slide_position(page) != start
    assert moved == (setting == "standard"), setting
    if setting != "standard":
        assert page.evaluate("document.getAnimations().length") == 0
        assert page.locator("[data-slides]").evaluate("s => getComputedStyle(s).scrollBehavior") == "auto"
