"""The context of a figure claim: what it counts (topic) and the words around it, across languages.

"1,500 protesters", "۱۵۰۰ معترض" and "1 500 manifestants" share the topic ``protester``; names
around a claim ("Iran", "ایران", "Иран") become consonant keys, so contexts overlap across scripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.figures._extract import Figure

# Concepts that figure claims count, with word stems in the project's languages (matched as
# lowercase prefixes after Arabic/Hebrew clitics are stripped). Nouns can be a claim's topic;
# the others (events, modifiers) only add context.
_NOUNS: dict[str, tuple[str, ...]] = {
    "protester": ("protester", "protestor", "demonstrator", "manifestant", "demonstrant", "protestierend",
                  "protestocu", "gösterici", "eylemci", "протестующ", "протестувальник", "демонстрант",
                  "معترض", "متظاهر", "تظاهرکننده", "تظاهرات‌کننده", "مظاہر", "מפגינ", "प्रदर्शनकार",
                  "抗议者", "示威者", "抗议"),
    "prisoner": ("prisoner", "prisonnier", "detenu", "détenu", "preso", "presos", "prigionier", "detenut",
                 "gefangene", "häftling", "inhaftierte", "заключ", "политзаключ", "ув'язнен", "в'язн",
                 "زندانی", "سجين", "سجناء", "أسير", "اسیر", "mahkum", "tutuklu", "אסיר", "कैदी", "क़ैदी",
                 "قیدی", "囚犯", "犯人"),
    "people": ("people", "person", "personne", "mensch", "persona", "gente", "pessoa", "человек", "люд",
               "осіб", "особ", "نفر", "مردم", "شخص", "أشخاص", "اشخاص", "kişi", "insan", "אנשים",
               "लोग", "व्यक्ति", "افراد", "لوگ", "人"),
    "death": ("death", "dead", "fatalit", "décès", "morts", "tote", "todesopfer", "muert", "fallecid",
              "vittim", "morti", "mortos", "óbito", "погибш", "смерт", "жертв", "загибл", "کشته", "قتیل",
              "قتيل", "قتلى", "وفاة", "ölü", "ölüm", "הרוג", "מתים", "मौत", "मृत", "ہلاک", "اموات", "死亡",
              "遇难", "丧生"),
    "injured": ("injur", "wounded", "blessé", "verletzt", "verwundet", "herid", "ferit", "ferid", "ранен",
                "поранен", "زخمی", "مجروح", "جريح", "جرحى", "yaralı", "פצוע", "घायल", "受伤"),
    "refugee": ("refugee", "displaced", "réfugié", "déplacé", "flüchtling", "vertrieben", "refugiad",
                "desplazad", "rifugiat", "sfollat", "беженц", "біженц", "переселен", "پناهجو", "پناهنده",
                "آواره", "لاجئ", "نازح", "mülteci", "פליט", "शरणार्थ", "پناہ", "难民"),
    "child": ("child", "enfant", "kinder", "niño", "niña", "bambin", "crianç", "дет", "діт",
              "کودک", "طفل", "أطفال", "اطفال", "çocuk", "ילד", "बच्च", "بچ", "儿童"),
    "soldier": ("soldier", "troop", "soldat", "truppe", "soldad", "militar", "солдат", "военнослуж",
                "військов", "سرباز", "جندي", "جنود", "asker", "חייל", "सैनिक", "فوجی", "士兵"),
    "civilian": ("civilian", "civil", "zivilist", "мирн", "غیرنظامی", "مدني", "sivil", "אזרח", "नागरिक",
                 "平民"),
    "execution": ("execution", "exécution", "hinrichtung", "ejecuci", "esecuzion", "execuç", "казн",
                  "страт", "اعدام", "idam", "הוצאה להורג", "फांसी", "پھانسی", "处决"),
    "vote": ("vote", "voix", "stimme", "voto", "голос", "رای", "رأي", "صوت", "oylar", "קול", "वोट", "ووٹ",
             "选票"),
    "case": ("case", "fälle", "caso", "случа", "випадк", "مورد", "حالة", "حالات", "vaka", "מקר", "मामल",
             "کیس", "病例"),
    "viewer": ("viewer", "téléspectat", "zuschauer", "espectador", "telespettator", "telespectador",
               "зрител", "глядач", "بیننده", "مشاهد", "izleyici", "צופ", "दर्शक", "ناظر", "观众"),
}
_EVENTS: dict[str, tuple[str, ...]] = {
    "detained": ("detain", "detention", "arrest", "interpell", "festgenommen", "festnahm", "verhaft",
                 "inhaftiert", "detenid", "arrestat", "fermat", "detid", "задержан", "арест", "затриман",
                 "بازداشت", "دستگیر", "اعتقال", "اعتقل", "معتقل", "gözaltı", "tutuklan", "עצור", "נעצר",
                 "गिरफ्तार", "गिरफ़्तार", "گرفتار", "逮捕", "拘留"),
    "killed": ("kill", "tué", "getötet", "asesinad", "uccis", "mortos", "убит", "погиб", "вбит", "загинул",
               "کشته", "قتل", "مقتل", "öldürül", "נהרג", "मारे", "ہلاک", "遇难", "打死"),
    "political": ("politic", "politiq", "politisch", "polític", "политическ", "політичн", "سیاسی", "سياسي",
                  "siyasi", "פוליטי", "राजनीतिक", "سیاسی", "政治"),
    "executed": ("executed", "exécuté", "hingericht", "ejecutad", "giustiziat", "executad", "казнен",
                 "страчен", "اعدام", "idam", "הוצאו להורג", "फांसी", "处决"),
}
_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف", "ה", "ו", "ב", "ל", "מ", "ש")
_WORD = re.compile(r"[^\W\d_][\w\u200c'’\-\u0900-\u0903\u093a-\u094f\u064b-\u065f]*")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_SENTENCE_END = re.compile(r"[.!?؟。\n]\s")


def _candidates(word: str) -> list[str]:
    """The word (lowercase), and the word without each Arabic or Hebrew clitic it starts with."""
    low = word.casefold()
    if not low.startswith(_PREFIXES):  # most words: no clitic to strip
        return [low]
    return [low] + [low[len(p):] for p in _PREFIXES if low.startswith(p) and len(low) > len(p) + 2]


class _StemTable:
    """Which concept of a table (concept -> word stems) a word belongs to: one alternative per
    concept, in table order, so a match names the first concept whose stem starts the word, as
    trying the concepts one by one would (one regex call per word instead of one per concept)."""

    def __init__(self, table: dict[str, tuple[str, ...]]) -> None:
        self.names = list(table)
        self.rx = re.compile("|".join(f"(?P<c{i}>{'|'.join(map(re.escape, stems))})"
                                      for i, stems in enumerate(table.values())))
        self.index = {f"c{i}": i for i in range(len(table))}
        self.initials = frozenset(stem[0] for stems in table.values() for stem in stems)

    def concept(self, candidates: list[str]) -> str | None:
        """The concept of a word, given its ``_candidates``."""
        # the first concept (in table order) with a stem starting any candidate
        found = [self.index[m.lastgroup] for c in candidates
                 if c[:1] in self.initials and (m := self.rx.match(c)) is not None and m.lastgroup]
        return self.names[min(found)] if found else None


_NOUN_STEMS = _StemTable(_NOUNS)
_EVENT_STEMS = _StemTable(_EVENTS)


def _han_concepts(table: dict[str, tuple[str, ...]], chunk: str) -> list[str]:
    return [concept for concept, stems in table.items() for s in stems if "\u4e00" <= s[0] <= "\u9fff" and s in chunk]


@dataclass(frozen=True, slots=True)
class ClaimContext:
    """What a figure counts (``topic``, a language-independent noun concept or None) and the
    language-independent tokens around it (``c:`` concepts, ``k:``/``w:`` names, ``u:`` units)."""

    topic: str | None
    tokens: frozenset[str]

    def serialize(self) -> str:
        """One line for the store: the topic first ("-" when none), then the sorted tokens."""
        return " ".join([self.topic or "-", *sorted(self.tokens)])

    @classmethod
    def parse(cls, line: str | None) -> ClaimContext:
        parts = (line or "-").split()
        topic = parts[0] if parts and parts[0] != "-" else None
        return cls(topic, frozenset(parts[1:]))


def _sentence(text: str, fig: Figure, reach: int = 160) -> tuple[int, int]:
    lo = max(0, fig.start - reach)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, lo, fig.start)]
    start = ends[-1] if ends else lo
    m = _SENTENCE_END.search(text, fig.end, min(len(text), fig.end + reach))
    return start, m.start() + 1 if m else min(len(text), fig.end + reach)


def claim_context(text: str, fig: Figure, lang: str | None = None) -> ClaimContext:
    """The context of ``fig`` inside ``text``: its topic and the tokens of its sentence."""
    from monitor.crosslingual import evidence  # crosslingual itself imports monitor.figures

    start, end = _sentence(text, fig)
    after = text[fig.end:end]
    tokens: set[str] = set()
    topic: str | None = None
    words_after = [m.group(0) for m in _WORD.finditer(after)][:3]
    han_after = _HAN.match(after.lstrip())
    for w in words_after:
        topic = _NOUN_STEMS.concept(_candidates(w))
        if topic:
            break
    if topic is None and han_after:
        found = _han_concepts(_NOUNS, han_after.group(0)[:6])
        topic = found[0] if found else None
    sentence = text[start:end]
    nearest: tuple[int, str] | None = None
    for m in _WORD.finditer(sentence):
        candidates = _candidates(m.group(0))
        noun = _NOUN_STEMS.concept(candidates)
        event = _EVENT_STEMS.concept(candidates)
        for c in (noun, event):
            if c:
                tokens.add(f"c:{c}")
        if noun and topic is None:
            dist = abs(start + m.start() - fig.start)
            if nearest is None or dist < nearest[0]:
                nearest = (dist, noun)
    for chunk in _HAN.findall(sentence):
        tokens.update(f"c:{c}" for c in _han_concepts(_NOUNS, chunk) + _han_concepts(_EVENTS, chunk))
    if topic is None and nearest is not None:
        topic = nearest[1]
    if fig.kind == "money" and fig.unit:
        topic = topic or f"money:{fig.unit}"
        tokens.add(f"u:{fig.unit}")
    tokens.update(t for t in evidence(sentence, lang, figures=False).tokens if t[0] in "kw")
    return ClaimContext(topic, frozenset(tokens))
