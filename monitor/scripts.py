"""Writing-system rules for language identification: which script a text is mainly written in,
and which languages its letters allow (Persian vs Arabic vs Urdu letters, Ukrainian vs Russian, kana).

These rules are orthographic facts, not statistics: they narrow the candidates before a model
weighs them, and decide outright where a script belongs to one language (Hebrew, Greek, Hangul...).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# Scripts by code-point range; the first matching range wins. Only letters are counted.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "Latin"), (0x1E00, 0x1EFF, "Latin"), (0x0370, 0x03FF, "Greek"),
    (0x1F00, 0x1FFF, "Greek"), (0x0400, 0x052F, "Cyrillic"), (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"), (0xFB1D, 0xFB4F, "Hebrew"), (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"), (0x08A0, 0x08FF, "Arabic"), (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"), (0x0900, 0x097F, "Devanagari"), (0x0980, 0x09FF, "Bengali"),
    (0x0A00, 0x0A7F, "Gurmukhi"), (0x0A80, 0x0AFF, "Gujarati"), (0x0B80, 0x0BFF, "Tamil"),
    (0x0C00, 0x0C7F, "Telugu"), (0x0E00, 0x0E7F, "Thai"), (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"), (0x3040, 0x309F, "Hiragana"), (0x30A0, 0x30FF, "Katakana"),
    (0x31F0, 0x31FF, "Katakana"), (0x3130, 0x318F, "Hangul"), (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"), (0xF900, 0xFAFF, "Han"), (0xAC00, 0xD7AF, "Hangul"),
    (0xFF66, 0xFF9F, "Katakana"), (0x20000, 0x2FA1F, "Han"),
)

# Languages each script can be written in, among those the detector knows.
SCRIPT_LANGUAGES: dict[str, frozenset[str]] = {
    "Greek": frozenset({"el"}), "Armenian": frozenset({"hy"}), "Hebrew": frozenset({"he"}),
    "Bengali": frozenset({"bn"}), "Gurmukhi": frozenset({"pa"}), "Gujarati": frozenset({"gu"}),
    "Tamil": frozenset({"ta"}), "Telugu": frozenset({"te"}), "Thai": frozenset({"th"}),
    "Georgian": frozenset({"ka"}), "Hangul": frozenset({"ko"}), "Kana": frozenset({"ja"}),
    "Han": frozenset({"zh", "ja"}), "Devanagari": frozenset({"hi", "mr"}),
    "Arabic": frozenset({"ar", "fa", "ur"}),
    "Cyrillic": frozenset({"be", "bg", "kk", "mk", "mn", "ru", "sr", "uk"}),
}

# A Latin word inside a text in another script is usually a name, a URL or web boilerplate,
# while one CJK character carries about a word: weigh letters accordingly.
_SCRIPT_WEIGHT = {"Latin": 0.25, "Han": 2.0, "Kana": 2.0, "Hangul": 1.5}

# Arabic script. Urdu-only letters: ٹ ڈ ڑ ں ھ ہ ۂ ۃ ے ۓ.
URDU_LETTERS = frozenset("\u0679\u0688\u0691\u06ba\u06be\u06c1\u06c2\u06c3\u06d2\u06d3")
# Letters Persian and Urdu use and Arabic does not: پ چ ژ گ ک ی (and ۀ, Persian only).
PERSIAN_URDU_LETTERS = frozenset("\u067e\u0686\u0698\u06af\u06a9\u06cc")
PERSIAN_ONLY_LETTERS = frozenset("\u06c0")

# Arabic yeh ي and kaf ك also occur in Persian text typed with an Arabic keyboard layout, and
# both Urdu hehs ھ ہ in Arabic typed on other keyboards: words are compared after unifying them.
_AR_FA_UR_UNIFY = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9",
                                 "\u06be": "\u0647", "\u06c1": "\u0647"})


def _words(text: str) -> frozenset[str]:
    return frozenset(text.translate(_AR_FA_UR_UNIFY).split())


# Frequent function words (unified as above). Each hit is evidence for its language.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "fa": _words("را است که این از با در به برای می های شد شده خود آن تا اما یا نیز بود کرد "
                    "دارد کند شود باید همه وی"),
    "ar": _words("فی علی الی إلی أن التی الذی الذین عن هذا هذه مع کان قد لم لن ذلک بین کل "
                    "بعد عند او أو ثم حتی منذ"),
    "hi": _words("है हैं में की के का को से ने और पर यह था थे थी भी कि नहीं लिए गया किया हुआ रहा"),
    "mr": _words("आहे आहेत आणि या हे ही होते होती झाले केले त्या त्यांच्या नाही म्हणून असे आले"),
    "ur": _words("کے کی ہے میں اور کو سے نے یہ وہ ہیں کا پر تھا گیا بھی کر"),
}
FUNCTION_WORD_BONUS = 2.0  # log-odds added per function word seen
_ARABIC_WORD = re.compile("[\u0600-\u06ff]+")
_DEVANAGARI_WORD = re.compile("[\u0900-\u0963\u0971-\u097f]+")

# Cyrillic. ї є ґ are Ukrainian only; ў is Belarusian only; ы э ё ъ never occur in Ukrainian;
# і never occurs in Russian.
UKRAINIAN_ONLY = frozenset("їєґЇЄҐ")
UKRAINIAN_BELARUSIAN_KAZAKH_I = frozenset("іІ")
BELARUSIAN_ONLY = frozenset("ўЎ")
NOT_UKRAINIAN = frozenset("ыэёъЫЭЁЪ")
KAZAKH_MONGOLIAN = frozenset("әғқңөұүһӘҒҚҢӨҰҮҺ")
SERBIAN_MACEDONIAN = frozenset("ђјљњћџѓќѕЂЈЉЊЋЏЃЌЅ")


@dataclass(frozen=True, slots=True)
class ScriptVerdict:
    """What the writing system says: the main script, the languages still possible
    (empty = no constraint), log-evidence bonuses, and the text a model should weigh."""

    script: str | None
    allowed: frozenset[str]
    bonus: dict[str, float]
    focus: str
    decided: str | None = None
    reason: str = ""


def script_of(ch: str) -> str | None:
    """The script of one character, or None for digits, punctuation, symbols and unknowns."""
    cp = ord(ch)
    if cp < 0x41:
        return None
    for lo, hi, name in _RANGES:
        if lo <= cp <= hi:
            if not ch.isalpha():
                return None
            return "Kana" if name in ("Hiragana", "Katakana") else name
    return None


def _script_patterns() -> dict[str, re.Pattern[str]]:
    ranges: dict[str, list[str]] = {}
    for lo, hi, name in _RANGES:
        name = "Kana" if name in ("Hiragana", "Katakana") else name
        ranges.setdefault(name, []).append(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}")
    # Letters only: a word character that is neither a digit nor an underscore.
    return {name: re.compile(f"(?![\\d_])(?=\\w)[{''.join(r)}]") for name, r in ranges.items()}


_SCRIPT_PATTERNS = _script_patterns()
_ASCII_LETTER = re.compile("[A-Za-z]")
_NON_ASCII = re.compile("[^\\x00-\\x7f]")


def script_counts(text: str) -> Counter[str]:
    """How many letters of each script ``text`` contains."""
    counts: Counter[str] = Counter()
    if text.isascii():
        n = len(_ASCII_LETTER.findall(text))
        if n:
            counts["Latin"] = n
        return counts
    present = {script_of(ch) for ch in set(_NON_ASCII.findall(text))}
    present.add("Latin")
    for name in present:
        if name is not None:
            n = len(_SCRIPT_PATTERNS[name].findall(text))
            if n:
                counts[name] = n
    return counts


def main_script(counts: Counter[str]) -> str | None:
    """The script most of the text is written in (Latin weighed down, CJK up)."""
    if not counts:
        return None
    weighted = {s: n * _SCRIPT_WEIGHT.get(s, 1.0) for s, n in counts.items()}
    # Japanese mixes kana and Han: any real amount of kana makes it Japanese.
    if counts.get("Kana", 0) and counts["Kana"] * 5 >= counts.get("Han", 0):
        weighted["Kana"] = weighted.get("Kana", 0.0) + weighted.pop("Han", 0.0)
    return max(weighted, key=lambda s: weighted[s])


def _keep_script(text: str, script: str) -> str:
    # Drop the letters of other scripts (e.g. Latin boilerplate around an Urdu sentence) so
    # the model weighs only the main one.
    # Decided once per distinct character, not once per character.
    drop = {ord(ch): " " for ch in set(text)
            if ch.isalpha() and (s := script_of(ch)) is not None and s != script
            and not (script == "Kana" and s == "Han")}
    return text.translate(drop) if drop else text


def _hits(words: list[str], langs: tuple[str, ...]) -> dict[str, int]:
    return {lang: sum(1 for w in words if w in FUNCTION_WORDS[lang]) for lang in langs}


def _bonus(hits: dict[str, int]) -> dict[str, float]:
    return {lang: FUNCTION_WORD_BONUS * n for lang, n in hits.items() if n}


def _arabic_rules(text: str) -> tuple[frozenset[str], dict[str, float], str | None, str]:
    letters = set(text)
    words = _ARABIC_WORD.findall(text.translate(_AR_FA_UR_UNIFY))
    hits = _hits(words, ("ar", "fa", "ur"))
    bonus = _bonus(hits)
    # The article al- starts about a third of Arabic words, and few Persian or Urdu ones.
    article = sum(1 for w in words if len(w) > 3 and w.startswith("\u0627\u0644"))
    arabic_words = hits["ar"] + article / 2 > max(hits["fa"], hits["ur"])
    if letters & URDU_LETTERS:
        if not arabic_words:
            return frozenset({"ur"}), bonus, "ur", "Urdu-only letters"
        # ھ and ہ also turn up in Arabic typed on Persian/Urdu keyboards.
        return SCRIPT_LANGUAGES["Arabic"], bonus, None, "Urdu letters, Arabic words"
    if letters & PERSIAN_ONLY_LETTERS and not arabic_words:
        return frozenset({"fa"}), bonus, "fa", "Persian-only letters"
    if letters & PERSIAN_URDU_LETTERS:
        if arabic_words:
            # Arabic typed with a Persian keyboard layout (ی ک) is common in Iranian outlets.
            return frozenset({"ar", "fa"}), bonus, None, "Persian letters, Arabic words"
        # Urdu text of any length shows Urdu letters; without them it is Persian.
        if hits["fa"] > hits["ur"] or len(words) >= 4:
            return frozenset({"fa"}), bonus, "fa", "Persian letters, no Urdu letters"
        return frozenset({"fa", "ur"}), bonus, None, "Persian/Urdu letters"
    if len(words) >= 4 and hits["fa"] >= 2 and hits["fa"] > 2 * hits["ar"]:
        return frozenset({"fa"}), bonus, "fa", "Persian function words"
    return SCRIPT_LANGUAGES["Arabic"], bonus, None, ""


def _devanagari_rules(text: str) -> tuple[dict[str, float], str]:
    hits = _hits(_DEVANAGARI_WORD.findall(text), ("hi", "mr"))
    return _bonus(hits), "Hindi/Marathi function words" if hits["hi"] or hits["mr"] else ""


def _cyrillic_rules(text: str) -> tuple[frozenset[str], str | None, str]:
    uk_marks = sum(1 for ch in text if ch in UKRAINIAN_ONLY or ch in UKRAINIAN_BELARUSIAN_KAZAKH_I)
    ru_marks = sum(1 for ch in text if ch in NOT_UKRAINIAN)
    letters = set(text)
    if letters & KAZAKH_MONGOLIAN:
        return frozenset({"kk", "mn"}), None, "Kazakh/Mongolian letters"
    if letters & BELARUSIAN_ONLY and not letters & UKRAINIAN_ONLY:
        return frozenset({"be"}), "be", "Belarusian-only letters"
    if letters & SERBIAN_MACEDONIAN:
        return frozenset({"sr", "mk"}), None, "Serbian/Macedonian letters"
    if uk_marks and not ru_marks:
        return frozenset({"uk"}), "uk", "Ukrainian letters (і ї є ґ) without ы э ё ъ"
    if ru_marks and not uk_marks:
        if letters & frozenset("ыэёЫЭЁ"):
            return frozenset({"ru"}), "ru", "ы э ё without і ї є ґ"
        return frozenset({"ru", "bg"}), None, "ъ without і ї є ґ"
    # Both alphabets' markers: a quoted word in the other language, or Belarusian (which has
    # і and ы in similar amounts, and ў, already handled).
    if uk_marks and ru_marks:
        if uk_marks >= 3 * ru_marks:
            return frozenset({"uk"}), "uk", "mostly Ukrainian letters"
        if ru_marks >= 3 * uk_marks:
            return frozenset({"ru"}), "ru", "mostly Russian letters"
        return frozenset({"ru", "uk", "be"}), None, "mixed Cyrillic markers"
    return SCRIPT_LANGUAGES["Cyrillic"], None, ""


def analyze(text: str) -> ScriptVerdict:
    """Apply the writing-system rules to ``text``."""
    counts = script_counts(text)
    script = main_script(counts)
    if script is None:
        return ScriptVerdict(None, frozenset(), {}, text)
    focus = text if len(counts) == 1 else _keep_script(text, script)
    if script == "Latin":
        return ScriptVerdict(script, frozenset(), {}, focus)
    if script == "Arabic":
        allowed, bonus, decided, reason = _arabic_rules(focus)
        return ScriptVerdict(script, allowed, bonus, focus, decided, reason)
    if script == "Cyrillic":
        allowed, decided, reason = _cyrillic_rules(focus)
        return ScriptVerdict(script, allowed, {}, focus, decided, reason)
    if script == "Devanagari":
        bonus, reason = _devanagari_rules(focus)
        return ScriptVerdict(script, SCRIPT_LANGUAGES[script], bonus, focus, None, reason)
    if script == "Han":
        return ScriptVerdict(script, frozenset({"zh"}), {}, focus, "zh", "Han without kana")
    allowed = SCRIPT_LANGUAGES[script]
    decided = next(iter(allowed)) if len(allowed) == 1 else None
    return ScriptVerdict(script, allowed, {}, focus, decided, f"{script} script" if decided else "")
