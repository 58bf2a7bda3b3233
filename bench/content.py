"""Synthetic content: shows, people, characters, aliases in three scripts, and quotes.

Names are built from syllable tables (a romanisation paired with its Hangul, or with its kanji
and kana), so every name exists in Latin script and in its own, the way members type them.
They are plausible but made up; nobody real is meant. Quote text is drawn from word tables
with a Zipf-like weighting, so common words are common and FTS sees realistic posting lists.

Everything is deterministic for a given seed.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

# -- syllable tables ----------------------------------------------------------------------------

# (romanisation, Hangul)
KOREAN_FAMILY = (
    ("Bae", "배"), ("Cha", "차"), ("Do", "도"), ("Gu", "구"), ("Ha", "하"), ("Jo", "조"),
    ("Ma", "마"), ("Na", "나"), ("No", "노"), ("Pyo", "표"), ("Seol", "설"), ("Tak", "탁"),
    ("Yeo", "여"), ("Bang", "방"), ("Eom", "엄"), ("Gil", "길"), ("Han", "한"), ("Jang", "장"),
    ("Mun", "문"), ("Ryu", "류"), ("Seok", "석"), ("Ahn", "안"), ("Byeon", "변"), ("Chae", "채"),
    ("Kwak", "곽"), ("Maeng", "맹"), ("Sim", "심"), ("Wi", "위"), ("Yeom", "염"), ("Hwang", "황"),
)  # fmt: skip
KOREAN_GIVEN = (
    ("ha", "하"), ("jin", "진"), ("seo", "서"), ("yun", "윤"), ("min", "민"), ("ji", "지"),
    ("woo", "우"), ("hyun", "현"), ("soo", "수"), ("eun", "은"), ("da", "다"), ("bin", "빈"),
    ("na", "나"), ("rae", "래"), ("on", "온"), ("gyeol", "결"), ("ro", "로"), ("mi", "미"),
    ("hwa", "화"), ("yeon", "연"), ("seul", "슬"), ("bom", "봄"), ("gang", "강"), ("do", "도"),
    ("hoon", "훈"), ("jae", "재"), ("yeong", "영"), ("chan", "찬"), ("sol", "솔"), ("ye", "예"),
    ("rin", "린"), ("a", "아"), ("in", "인"), ("joon", "준"), ("tae", "태"), ("kyung", "경"),
    ("won", "원"), ("hee", "희"), ("sun", "선"), ("ho", "호"), ("geon", "건"), ("ju", "주"),
    ("si", "시"), ("ung", "웅"), ("ri", "리"), ("dam", "담"), ("eul", "을"), ("han", "한"),
    ("byeol", "별"), ("nuri", "누리"),
)  # fmt: skip
# (romaji, kanji, kana)
JAPANESE_FAMILY = (
    ("yama", "山", "やま"), ("kawa", "川", "かわ"), ("mori", "森", "もり"), ("ta", "田", "た"),
    ("no", "野", "の"), ("naka", "中", "なか"), ("shima", "島", "しま"), ("hara", "原", "はら"),
    ("ishi", "石", "いし"), ("ki", "木", "き"), ("matsu", "松", "まつ"), ("fuji", "藤", "ふじ"),
    ("hashi", "橋", "はし"), ("saka", "坂", "さか"), ("tani", "谷", "たに"), ("oka", "岡", "おか"),
    ("mizu", "水", "みず"), ("kura", "倉", "くら"), ("sawa", "沢", "さわ"), ("ao", "青", "あお"),
    ("kita", "北", "きた"), ("nishi", "西", "にし"), ("hoshi", "星", "ほし"),
    ("tsuki", "月", "つき"),
)  # fmt: skip
JAPANESE_GIVEN = (
    ("haru", "春", "はる"), ("to", "斗", "と"), ("yu", "優", "ゆう"), ("ki", "希", "き"),
    ("ren", "蓮", "れん"), ("sora", "空", "そら"), ("aki", "秋", "あき"), ("nao", "直", "なお"),
    ("hina", "陽", "ひな"), ("mi", "美", "み"), ("ka", "花", "か"), ("rin", "凛", "りん"),
    ("kai", "海", "かい"), ("shin", "真", "しん"), ("ta", "太", "た"), ("ichi", "一", "いち"),
    ("ko", "子", "こ"), ("na", "奈", "な"), ("ri", "里", "り"), ("sei", "誠", "せい"),
)  # fmt: skip

# Show titles: (English, Korean, Japanese)
TITLE_ADJECTIVES = (
    ("Moonlit", "달빛", "月夜の"), ("Crimson", "진홍빛", "紅の"), ("Quiet", "고요한", "静かな"),
    ("Golden", "황금빛", "金色の"), ("Winter", "겨울", "冬の"), ("Hidden", "숨겨진", "隠れた"),
    ("Falling", "떨어지는", "落ちる"), ("Last", "마지막", "最後の"), ("Silver", "은빛", "銀の"),
    ("Paper", "종이", "紙の"), ("Midnight", "자정의", "真夜中の"), ("Borrowed", "빌린", "借りた"),
    ("Distant", "먼", "遠い"), ("Gentle", "다정한", "優しい"), ("Endless", "끝없는", "終わらない"),
    ("Secret", "비밀의", "秘密の"), ("Stray", "길 잃은", "迷子の"), ("Summer", "여름", "夏の"),
    ("Blue", "푸른", "青い"), ("Second", "두 번째", "二度目の"), ("Little", "작은", "小さな"),
    ("Wandering", "떠도는", "さまよう"), ("Spring", "봄날의", "春の"), ("Rainy", "비 오는", "雨の"),
    ("Lucky", "행운의", "幸運の"), ("Seventh", "일곱 번째", "七番目の"),
)  # fmt: skip
TITLE_NOUNS = (
    ("Ferry", "나룻배", "渡し舟"), ("Letters", "편지", "手紙"), ("Garden", "정원", "庭"),
    ("Promise", "약속", "約束"), ("Harbor", "항구", "港"), ("Lantern", "등불", "灯り"),
    ("Season", "계절", "季節"), ("Melody", "멜로디", "旋律"), ("Station", "정거장", "駅"),
    ("Bookshop", "책방", "本屋"), ("Umbrella", "우산", "傘"), ("Orchard", "과수원", "果樹園"),
    ("Postcard", "엽서", "絵葉書"), ("Kitchen", "부엌", "台所"), ("Lighthouse", "등대", "灯台"),
    ("Rooftop", "옥상", "屋上"), ("Tide", "물결", "潮"), ("Meadow", "들판", "草原"),
    ("Bridge", "다리", "橋"), ("Compass", "나침반", "羅針盤"), ("Bakery", "빵집", "パン屋"),
    ("Detective", "탐정", "探偵"), ("Hospital", "병원", "病院"), ("Courtroom", "법정", "法廷"),
    ("Diary", "일기", "日記"), ("Radio", "라디오", "ラジオ"), ("Tailor", "재단사", "仕立て屋"),
    ("Kingdom", "왕국", "王国"), ("Heir", "후계자", "後継者"), ("Neighbor", "이웃", "隣人"),
)  # fmt: skip
PLATFORMS = ("Streamly", "Channel Nine Plus", "OnAir K", "Moonbeam TV", "Hanbit Network")
FORMATS = ("Live-action drama series", "Limited series", "Romantic comedy series", "Web drama")
PLACES = ("Busan", "Seoul", "Jeju", "Incheon", "Gangneung", "Osaka", "Sapporo", "Kyoto",
          "Fukuoka", "Yokohama", "Daegu", "Jeonju")  # fmt: skip
CREDIT_ROLES = ("writer", "director", "executive producer", "producer", "creator")

# -- word tables for quotes, most common first ----------------------------------------------------


def _word_list(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ENGLISH = _word_list("""
the you I to a and it me of that is not in we this my be have do what your for was
know will don't can just so all with on but are he she they no here there now one
time when like if want never love always think back see go come say tell wait please
why how could would should again still only really right sorry thank yes stay leave
home heart day night morning tomorrow yesterday promise remember forget believe feel
need find lose keep call hear look talk walk run hold let live die wrong true
everything nothing something someone everyone people friend family mother father
brother sister years long first last together alone happy afraid ready late early
rain snow winter summer spring sea river sky star moon sun light dark door window
letter book song music name story dream secret truth lie world city street station
bridge garden train car road hands eyes face voice words question answer reason
chance mistake choice future past moment place way life hope fear trust change
little enough more better best worse same different other another every each
because before after while until since through over under between behind across
boxing painting kitchen bakery hospital courtroom lighthouse umbrella orchard ferry
coffee ramen kimchi noodles soup bread tea cake dinner lunch breakfast picnic
office school classroom library museum rooftop harbor island mountain forest village
finally suddenly quietly slowly softly honestly maybe perhaps probably almost
""")
KOREAN = _word_list("""
나 너 우리 그 이 저 사랑해 보고 싶어 기다려 다시 만나 약속 해 줘 가지 마 괜찮아
미안해 고마워 왜 어디 언제 누구 뭐 정말 진짜 아직 이제 벌써 항상 오늘 내일 어제
밤 아침 하늘 바다 겨울 여름 봄 가을 비 눈 별 달 꽃 집 길 역 문 창문 편지 노래
이름 마음 눈물 웃음 꿈 비밀 거짓말 진실 시간 세상 사람 친구 가족 엄마 아빠 형
누나 동생 혼자 함께 처음 마지막 행복 슬픔 기억 잊지 믿어 떠나 돌아와 살아 지켜
안아 줄게 할게 있어 없어 좋아 싫어 몰라 알아 들어 봐 말해 가자 먹자 라면 김치
커피 빵 권투 그림 병원 법정 등대 우산 과수원 나룻배 옥상 항구 정원 다리 기차
""")
JAPANESE = _word_list("""
君 僕 私 あなた 彼 彼女 会いたい 待って また 約束 ずっと いつも 今日 明日 昨日
夜 朝 空 海 冬 夏 春 秋 雨 雪 星 月 花 家 道 駅 扉 窓 手紙 歌 名前 心 涙 笑顔 夢
秘密 嘘 本当 時間 世界 人 友達 家族 母 父 兄 姉 弟 一人 一緒に 初めて 最後
幸せ 悲しい 覚えてる 忘れない 信じて 行かないで 帰ってきて 生きて 守る 好き
嫌い 知らない 分かった 聞いて 見て 話して 行こう 食べよう ラーメン コーヒー パン
ボクシング 絵 病院 法廷 灯台 傘 果樹園 屋上 港 庭 橋 電車 ありがとう ごめん
大丈夫 どうして どこ いつ 誰 何 まだ もう 本当に
""")
ENGLISH_ENDS = (".", ".", ".", "!", "?", "…")
KOREAN_ENDS = (".", ".", "?", "!")
JAPANESE_ENDS = ("。", "。", "？", "！")
CONTEXTS = ("Episode {e}", "Episode {e}, in {place}", "Episode {e}, the final scene",
            "Episode {e}, a phone call", "Episode {e}, a flashback")  # fmt: skip
PERSON_CONTEXTS = ("At the press conference", "In an interview", "At the script reading",
                   "In a behind-the-scenes video")  # fmt: skip


def _zipf_weights(count: int, exponent: float = 0.9) -> list[float]:
    total = 0.0
    weights = []
    for rank in range(count):
        total += 1.0 / (rank + 1) ** exponent
        weights.append(total)
    return weights


_ENGLISH_WEIGHTS = _zipf_weights(len(ENGLISH))
_KOREAN_WEIGHTS = _zipf_weights(len(KOREAN))
_JAPANESE_WEIGHTS = _zipf_weights(len(JAPANESE))

# -- the content ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Name:
    """A full name in Latin script and in its own, with the aliases members type."""

    latin: str
    native: str
    aliases: tuple[str, ...]
    given: str  # the given name alone, in Latin script, for quotes that address someone


@dataclass(frozen=True, slots=True)
class GenShow:
    id: int
    slug: str
    title: str
    native_title: str
    aliases: tuple[str, ...]
    platform: str
    format: str
    premise: str
    settings: tuple[str, ...]
    japanese: bool  # a Japanese production: mostly Japanese names in its cast


@dataclass(frozen=True, slots=True)
class GenPerson:
    id: int
    slug: str
    name: Name


@dataclass(frozen=True, slots=True)
class GenCharacter:
    id: int
    show_id: int
    slug: str
    position: int
    name: Name
    description: str
    played_by: int  # person id


@dataclass(frozen=True, slots=True)
class GenCredit:
    show_id: int
    person_id: int
    role: str
    position: int


@dataclass(frozen=True, slots=True)
class GenQuote:
    show_id: int
    position: int
    text: str
    person_id: int | None
    character_id: int | None
    speaker_name: str
    context: str


@dataclass(frozen=True, slots=True)
class Scale:
    """How much of everything, from the number of quotes."""

    quotes: int
    shows: int
    people: int
    characters_per_show: int

    @classmethod
    def for_quotes(cls, quotes: int) -> Scale:
        # About 500 quotes per show, a dozen characters each, and people who act or write in
        # one or two shows.
        shows = max(1, round(quotes / 500))
        return cls(quotes=quotes, shows=shows, people=max(4, shows * 10), characters_per_show=12)


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def korean_name(rng: random.Random) -> Name:
    family, family_hangul = rng.choice(KOREAN_FAMILY)
    (a, a_hangul), (b, b_hangul) = rng.choice(KOREAN_GIVEN), rng.choice(KOREAN_GIVEN)
    given = f"{a}-{b}".capitalize()
    return Name(
        latin=f"{family} {given}",
        native=f"{family_hangul}{a_hangul}{b_hangul}",
        aliases=((a + b).capitalize(), f"{given} {family}"),
        given=given,
    )


def japanese_name(rng: random.Random) -> Name:
    family = [rng.choice(JAPANESE_FAMILY) for _ in range(2)]
    given = [rng.choice(JAPANESE_GIVEN) for _ in range(rng.choice((1, 2)))]
    family_latin = "".join(part[0] for part in family).capitalize()
    given_latin = "".join(part[0] for part in given).capitalize()
    return Name(
        latin=f"{given_latin} {family_latin}",
        native="".join(part[1] for part in family + given),
        aliases=(
            "".join(part[2] for part in family) + " " + "".join(part[2] for part in given),
            f"{family_latin} {given_latin}",
        ),
        given=given_latin,
    )


class _UniqueNames:
    """Draws names until one is new: every name and native name is used once in the world."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def draw(self, korean_share: float) -> Name:
        for attempt in range(200):
            # Korean combinations run out first at large sizes; then Japanese ones fill in.
            korean = attempt < 50 and self.rng.random() < korean_share
            name = korean_name(self.rng) if korean else japanese_name(self.rng)
            keys = (name.latin.casefold(), name.native)
            if not any(key in self.used for key in keys):
                self.used.update(keys)
                return name
        raise RuntimeError(f"ran out of synthetic names after {len(self.used) // 2}")


class World:
    """Everything but the quotes, which `quotes()` streams show by show."""

    def __init__(self, scale: Scale, seed: int = 4) -> None:
        self.scale = scale
        self.seed = seed
        rng = random.Random(seed)
        names = _UniqueNames(rng)
        self.shows = self._shows(rng)
        self.people = [
            GenPerson(id=i + 1, slug=f"bench-person-{i + 1}", name=names.draw(0.7))
            for i in range(scale.people)
        ]
        self.characters: list[GenCharacter] = []
        self.credits: list[GenCredit] = []
        self._cast(rng, names)

    def _shows(self, rng: random.Random) -> list[GenShow]:
        pairs = list(itertools.product(TITLE_ADJECTIVES, TITLE_NOUNS))
        rng.shuffle(pairs)
        shows = []
        for index in range(self.scale.shows):
            (adj, adj_ko, adj_ja), (noun, noun_ko, noun_ja) = pairs[index % len(pairs)]
            sequel = index // len(pairs)
            suffix = f" {sequel + 1}" if sequel else ""
            title = f"{adj} {noun}{suffix}"
            japanese = rng.random() < 0.2
            native = f"{adj_ja}{noun_ja}" if japanese else f"{adj_ko} {noun_ko}"
            place = rng.choice(PLACES)
            shows.append(
                GenShow(
                    id=index + 1,
                    slug=_slug(title),
                    title=title,
                    native_title=native + suffix,
                    aliases=(f"{adj[0]}{noun[0]}{suffix.strip()}",),
                    platform=rng.choice(PLATFORMS),
                    format=rng.choice(FORMATS),
                    premise=(
                        f"A synthetic benchmark show: a story about a {noun.lower()} in {place}, "
                        f"made up for kdrama-bot's benchmarks."
                    ),
                    settings=(place, *rng.sample(PLACES, 1)),
                    japanese=japanese,
                )
            )
        return shows

    def _cast(self, rng: random.Random, names: _UniqueNames) -> None:
        per_show = self.scale.characters_per_show
        crew_roles = ("writer", "director")
        # Every person gets at least one part; some get two or three, in different shows.
        order = [person.id for person in self.people]
        rng.shuffle(order)
        cycle = itertools.cycle(order)
        character_id = 0
        for show in self.shows:
            wanted = min(per_show + len(crew_roles), len(self.people))
            chosen: list[int] = []
            while len(chosen) < wanted:
                person_id = next(cycle)
                if person_id not in chosen:
                    chosen.append(person_id)
            actors, crew = chosen[: wanted - len(crew_roles)], chosen[wanted - len(crew_roles) :]
            korean_share = 0.2 if show.japanese else 0.85
            for position, person_id in enumerate(actors):
                character_id += 1
                name = names.draw(korean_share)
                self.characters.append(
                    GenCharacter(
                        id=character_id,
                        show_id=show.id,
                        slug=_slug(name.latin),
                        position=position,
                        name=Name(name.latin, name.native, (name.given,), name.given),
                        description=f"A synthetic character in {show.title}.",
                        played_by=person_id,
                    )
                )
            for position, (person_id, role) in enumerate(zip(crew, crew_roles, strict=False)):
                self.credits.append(GenCredit(show.id, person_id, role, position))

    def quotes(self) -> Iterator[GenQuote]:
        """Every quote, show by show; the same ones for the same seed and scale."""
        rng = random.Random(self.seed * 7919 + self.scale.quotes)
        people = {person.id: person for person in self.people}
        by_show: dict[int, list[GenCharacter]] = {}
        for character in self.characters:
            by_show.setdefault(character.show_id, []).append(character)
        crew_by_show: dict[int, list[int]] = {}
        for credit in self.credits:
            crew_by_show.setdefault(credit.show_id, []).append(credit.person_id)
        base, extra = divmod(self.scale.quotes, len(self.shows))
        for index, show in enumerate(self.shows):
            cast = by_show.get(show.id, [])
            speakers = crew_by_show.get(show.id, []) + [c.played_by for c in cast[:2]]
            # Leads speak more than the rest of the cast.
            cast_weights = list(itertools.accumulate(1.0 / (i + 1) for i in range(len(cast))))
            seen: set[str] = set()
            for position in range(base + (1 if index < extra else 0)):
                text = quote_text(rng, cast)
                while text in seen:
                    text = quote_text(rng, cast)
                seen.add(text)
                episode = rng.randint(1, 16)
                if cast and (not speakers or rng.random() < 0.85):
                    character = rng.choices(cast, cum_weights=cast_weights)[0]
                    context = rng.choice(CONTEXTS).format(e=episode, place=rng.choice(PLACES))
                    yield GenQuote(
                        show.id, position, text, None, character.id, character.name.latin, context
                    )
                else:
                    person = people[rng.choice(speakers)]
                    context = rng.choice(PERSON_CONTEXTS)
                    name = person.name.latin
                    yield GenQuote(show.id, position, text, person.id, None, name, context)


def quote_text(rng: random.Random, cast: list[GenCharacter]) -> str:
    """One to three sentences: English most often, then Korean, then Japanese."""
    roll = rng.random()
    sentences = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        if roll < 0.55:
            words = rng.choices(ENGLISH, cum_weights=_ENGLISH_WEIGHTS, k=rng.randint(4, 16))
            sentence = " ".join(words)
            if cast and rng.random() < 0.15:
                sentence = f"{rng.choice(cast).name.given}, {sentence}"
            sentences.append(sentence[0].upper() + sentence[1:] + rng.choice(ENGLISH_ENDS))
        elif roll < 0.85:
            words = rng.choices(KOREAN, cum_weights=_KOREAN_WEIGHTS, k=rng.randint(3, 10))
            sentences.append(" ".join(words) + rng.choice(KOREAN_ENDS))
        else:
            words = rng.choices(JAPANESE, cum_weights=_JAPANESE_WEIGHTS, k=rng.randint(3, 9))
            cut = rng.randint(1, len(words))
            sentence = "".join(words[:cut]) + ("、" + "".join(words[cut:]) if words[cut:] else "")
            sentences.append(sentence + rng.choice(JAPANESE_ENDS))
    return " ".join(sentences)
