"""
Plausible Chinese news text for load tests and benchmarks (generate_articles): titles of
10 to 30 characters and bodies of 1,000 to 5,000 in the register of a district
organization department's site. Deterministic for a given seed.

Articles are built from a pool of sentences whose normalised text and bigrams are computed
once (the bigrams as bit masks over a lexicon), so the search index of 100,000 articles is
assembled rather than computed character by character; tests check that the result equals
the general path (news.models, news.search).
"""

import random
import struct
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from string import Formatter

from news.search import normalize

PLACES = [
    "乌达区", "苏海图街道", "三道坎街道", "五虎山街道", "梁家沟街道", "新达街道", "拉僧仓街道",
    "巴音赛街道", "乌兰淖尔镇", "滨海社区", "团结社区", "育才社区", "五虎山社区", "区直机关工委",
]  # fmt: skip
SUBJECTS = [
    "区委组织部", "各级党组织", "社区党委", "网格党支部", "驻村第一书记", "在职党员", "党员志愿者",
    "两新组织党组织", "机关党支部", "社区工作者", "年轻干部", "基层党组织书记", "党建指导员",
]  # fmt: skip
ACTIONS = [
    "扎实推进", "深入开展", "持续深化", "全面加强", "积极探索", "大力推进", "着力构建",
    "认真落实", "不断完善", "创新开展", "统筹推进", "精心组织",
]  # fmt: skip
TOPICS = [
    "党建引领基层治理", "网格化管理", "红色物业建设", "党史学习教育", "“我为群众办实事”实践活动",
    "干部教育培训", "年轻干部培养", "人才引进工作", "党员发展工作", "“三会一课”制度", "主题党日活动",
    "组织生活会", "党群服务中心建设", "社区工作者队伍建设", "乡村振兴", "软弱涣散党组织整顿",
    "党员积分管理", "基层党组织标准化规范化建设", "“双报到双报告”工作", "志愿服务活动",
]  # fmt: skip
RESULTS = [
    "取得明显成效", "见到实效", "群众满意度不断提升", "形成了一批可复制可推广的经验",
    "基层战斗堡垒作用进一步增强", "打通了服务群众的“最后一公里”", "为全区高质量发展提供了坚强组织保证",
]  # fmt: skip
UNITS = ["个", "次", "项", "人次", "余件", "场"]
OBJECTS = ["网格党支部", "党群服务中心", "民生实事", "志愿服务", "协调会议", "培训班", "现场观摩会", "结对共建项目"]
OPENINGS = [
    "近年来，{place}坚持以习近平新时代中国特色社会主义思想为指导，{action}{topic}，{result}。",
    "今年以来，{subject}围绕中心、服务大局，{action}{topic}，推动各项工作落地见效。",
    "为深入贯彻落实上级有关部署要求，{place}{action}{topic}，切实把党的政治优势转化为治理效能。",
]
SENTENCES = [
    "一是强化组织保障。{subject}{action}{topic}，建立健全工作机制，明确责任分工，确保各项任务落到实处。",
    "二是聚焦服务群众。围绕群众急难愁盼问题，{subject}深入走访，收集意见建议{n}条，解决实际问题{m}{unit}。",
    "三是注重示范带动。{place}选树先进典型{n}个，以点带面推动{topic}整体提升。",
    "截至目前，全区共建成{object}{n}{unit}，开展{object}{m}{unit}，受益党员群众{k}余人次。",
    "下一步，{place}将继续{action}{topic}，不断提升基层党组织的组织力，{result}。",
    "{subject}坚持问题导向，梳理形成问题清单、任务清单、责任清单，实行销号管理。",
    "活动中，{subject}结合自身实际，采取集中学习、专题研讨、现场教学等方式，推动学习教育走深走实。",
    "{place}把{topic}与日常工作紧密结合，做到同谋划、同部署、同落实、同考核。",
    "通过{action}{topic}，{place}基层治理体系更加完善，党员干部服务意识明显增强，{result}。",
    "会议强调，各级党组织要提高政治站位，压实工作责任，以钉钉子精神抓好{topic}各项任务落实。",
]
TITLES = [
    "{place}{action}{topic}",
    "{place}{topic}{result_short}",
    "{subject}{action}{topic}工作",
    "关于做好{topic}的通知",
    "{place}召开{topic}推进会",
    "{place}：以{topic}推动高质量发展",
]
RESULT_SHORT = ["见实效", "取得新进展", "结硕果", "亮点纷呈", "走深走实"]


_FIELDS = {
    "place": PLACES,
    "subject": SUBJECTS,
    "action": ACTIONS,
    "topic": TOPICS,
    "result": RESULTS,
    "result_short": RESULT_SHORT,
    "object": OBJECTS,
    "unit": UNITS,
}
_NUMBERS = {"n": (3, 199), "m": (10, 999), "k": (100, 9999)}


@cache
def _parsed(template):
    return [(literal, field) for literal, field, _, _ in Formatter().parse(template)]


def _fill(rng, template):
    """The template's pieces (literal text and chosen words) as a list of tokens."""
    tokens = []
    for literal, name in _parsed(template):
        if literal:
            tokens.append(literal)
        if name in _FIELDS:
            tokens.append(rng.choice(_FIELDS[name]))
        elif name:
            tokens.append(str(rng.randint(*_NUMBERS[name])))
    return tokens


SOURCES = ["乌达区委组织部", "乌达区委宣传部", "苏海图街道党工委", "", "", ""]


@dataclass(frozen=True)
class Sentence:
    text: str
    normalized: str
    mask: int = 0  # its two-character pieces, as bits of the Lexicon


def _normalized_sentence(text):
    return Sentence(text, normalize(text))


def _pairs(text):
    return set(map(str.__add__, text, text[1:]))


class Lexicon:
    """
    Every piece a generated text can contain, numbered in byte order: an article's pieces
    are then the OR of its sentences' bit masks, and come out already in the order
    PostgreSQL keeps a tsvector's lexemes in.
    """

    def __init__(self, pieces):
        self.pieces = sorted(pieces, key=str.encode)
        self.number = {piece: i for i, piece in enumerate(self.pieces)}
        # A lexeme in tsvector's binary form: the text, NUL, and 0 positions (two bytes).
        self.binary = [piece.encode() + b"\0\0\0" for piece in self.pieces]
        # The binary form of each group of eight lexemes, for each of the 256 ways to pick
        # from it, filled in as needed.
        self._groups = {}

    def tsvector_binary(self, mask):
        """A tsvector of the pieces in `mask`, in PostgreSQL's binary format (tsvectorrecv)."""
        out = [struct.pack("!i", mask.bit_count())]
        groups = self._groups
        for position, byte in enumerate(mask.to_bytes((mask.bit_length() + 7) // 8, "little")):
            if byte:
                key = position << 8 | byte
                chunk = groups.get(key)
                if chunk is None:
                    chunk = groups[key] = b"".join(self.binary[position * 8 + bit] for bit in _BITS[byte])
                out.append(chunk)
        return b"".join(out)

    def mask(self, pieces):
        mask = 0
        for piece in pieces:
            mask |= 1 << self.number[piece]
        return mask

    def members(self, mask):
        """The numbers of the pieces in `mask`, in order."""
        numbers, base = [], 0
        for byte in mask.to_bytes((mask.bit_length() + 7) // 8, "little"):
            if byte:
                numbers += [base + bit for bit in _BITS[byte]]
            base += 8
        return numbers


_BITS = [[bit for bit in range(8) if byte >> bit & 1] for byte in range(256)]


@dataclass(frozen=True)
class Pool:
    lexicon: Lexicon
    titles: list
    openings: list
    others: list
    sources: list


@lru_cache(maxsize=2)
def pool(seed=0, size=20000):
    """Sentences and titles to build articles from, with their pieces as bit masks."""
    rng = random.Random(seed)
    titles = []
    while len(titles) < size // 4:
        text = "".join(_fill(rng, rng.choice(TITLES)))
        if 10 <= len(text) <= 30:
            titles.append(_normalized_sentence(text))
    openings = [_normalized_sentence("".join(_fill(rng, rng.choice(OPENINGS)))) for _ in range(size // 10)]
    others = [_normalized_sentence("".join(_fill(rng, rng.choice(SENTENCES)))) for _ in range(size)]
    sources = [_normalized_sentence(source) for source in SOURCES]
    everything = [*titles, *openings, *others, *sources]
    # Pieces inside sentences, across two sentences or a line break, and single characters
    # (the last character of a text, which may be cut short).
    firsts = {s.normalized[0] for s in everything if s.normalized} | {"\n"}
    lasts = {s.normalized[-1] for s in everything if s.normalized} | {"\n"}
    pieces = set().union(*(_pairs(s.normalized) for s in everything))
    pieces |= {a + b for a in lasts for b in firsts}
    pieces |= set("".join(s.normalized for s in everything))
    lexicon = Lexicon(pieces)

    def with_mask(sentence):
        return Sentence(sentence.text, sentence.normalized, lexicon.mask(_pairs(sentence.normalized)))

    return Pool(
        lexicon,
        [with_mask(s) for s in titles],
        [with_mask(s) for s in openings],
        [with_mask(s) for s in others],
        [with_mask(s) for s in sources],
    )


def _paragraphs(rng, pool, minimum=1000, maximum=5000):
    """Paragraphs (as lists of Sentences) of `minimum` to `maximum` characters in all."""
    target = rng.randint(minimum, maximum)
    out, length = [], 0
    while length < target:
        sentences = [rng.choice(pool.openings if not out else pool.others)]
        size, wanted = len(sentences[0].text), rng.randint(100, 400)
        while size < wanted:
            sentences.append(rng.choice(pool.others))
            size += len(sentences[-1].text)
        if length + size > maximum:
            kept, room = [], maximum - length
            for sentence in sentences:
                if room <= 0:
                    break
                if len(sentence.text) > room:
                    cut = _normalized_sentence(sentence.text[:room])
                    sentence = Sentence(cut.text, cut.normalized, pool.lexicon.mask(_pairs(cut.normalized)))
                kept.append(sentence)
                room -= len(sentence.text)
            sentences, size = kept, maximum - length
        out.append(sentences)
        length += size
    return out


@dataclass
class GeneratedArticle:
    title: str
    source: str
    paragraphs: list
    search_title: str  # what news.models.ArticleSearchEntry.fields_for gives, computed faster
    search_text: str
    lexicon: Lexicon
    mask: int

    @property
    def pieces(self):
        """news.search.bigrams(search_text), in byte order."""
        return [self.lexicon.pieces[n] for n in self.lexicon.members(self.mask)]

    @property
    def vector_binary(self):
        return self.lexicon.tsvector_binary(self.mask)


def article(seed):
    """The article for `seed` (the same seed gives the same article), with its search index."""
    rng = random.Random(seed)
    parts = pool()
    title = rng.choice(parts.titles)
    source = rng.choice(parts.sources)
    paragraphs = _paragraphs(rng, parts)
    lines = [[title], [source], [], *paragraphs]  # title, source, author (empty), body
    mask = 0
    edges = []  # (first, last) character of each sentence and of each line break, in order
    for index, line in enumerate(lines):
        if index:
            edges.append(("\n", "\n"))
        for sentence in line:
            mask |= sentence.mask
            if sentence.normalized:
                edges.append((sentence.normalized[0], sentence.normalized[-1]))
    number = parts.lexicon.number
    for (_, last), (first, _) in pairwise(edges):
        mask |= 1 << number[last + first]
    mask |= 1 << number[edges[-1][1]]
    return GeneratedArticle(
        title=title.text,
        source=source.text,
        paragraphs=["".join(s.text for s in sentences) for sentences in paragraphs],
        search_title=title.normalized,
        search_text="\n".join("".join(s.normalized for s in line) for line in lines),
        lexicon=parts.lexicon,
        mask=mask,
    )
