"""Language-independent evidence for linking translations of the same story: figures,
years, Latin-script names and acronyms, URLs, and names transliterated to a consonant key.

``evidence(text)`` turns a text in any script into a set of tokens that survive
translation; ``EvidenceIndex`` weights them by rarity (idf), ``evidence_cosine`` scores a pair.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from monitor.figures import Figure, extract_figures
from monitor.fingerprint import hash64, to_signed64

K = TypeVar("K")  # an evidence token, or its stored hash

# ---------------------------------------------------------------- transliteration
# Each script maps to rough Latin; vowels, w/y/h are then dropped and consonants merged
# into classes that survive transliteration between Latin, Cyrillic, Arabic, Hebrew and
# Devanagari ("Wales" / "Уэльс" / "ويلز" / "ויילס" → "LS", "Trump" / "ترامب" → "TRMB").

_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
     "t", "u", "f", "kh", "ts", "ch", "sh", "sh", "", "y", "", "e", "yu", "ya", "i", "yi", "ye", "g", "w"],
    strict=True))
_ARABIC = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ب": "b", "پ": "p", "ت": "t", "ث": "s", "ج": "j",
    "چ": "ch", "ح": "h", "خ": "kh", "د": "d", "ذ": "z", "ر": "r", "ز": "z", "ژ": "zh", "س": "s",
    "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "g", "ف": "f", "ق": "k", "ک": "k",
    "ك": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "w", "ي": "y", "ی": "y",
    "ى": "a", "ئ": "y", "ؤ": "w", "ء": "", "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n", "ے": "y", "ۍ": "y",
    "ھ": "h", "ۆ": "o", "ێ": "e", "ڕ": "r", "ڵ": "l", "ڤ": "v", "ە": "e", "ټ": "t", "ډ": "d", "ړ": "r",
    "ږ": "zh", "ښ": "sh", "ګ": "g", "ڼ": "n", "ې": "e", "ۀ": "h", "ك‎": "k",
}
_HEBREW = {
    "א": "", "ב": "b", "ג": "g", "ד": "d", "ה": "h", "ו": "w", "ז": "z", "ח": "kh", "ט": "t", "י": "y",
    "כ": "k", "ך": "k", "ל": "l", "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s", "ע": "", "פ": "p",
    "ף": "f", "צ": "ts", "ץ": "ts", "ק": "k", "ר": "r", "ש": "sh", "ת": "t",
}
_DEVANAGARI = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n", "च": "ch", "छ": "ch", "ज": "j", "झ": "jh",
    "ञ": "n", "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n", "त": "t", "थ": "th", "द": "d",
    "ध": "dh", "न": "n", "प": "p", "फ": "f", "ब": "b", "भ": "bh", "म": "m", "य": "y", "र": "r",
    "ल": "l", "व": "v", "श": "sh", "ष": "sh", "स": "s", "ह": "h", "क़": "k", "ख़": "kh", "ग़": "g",
    "ज़": "z", "ड़": "r", "ढ़": "rh", "फ़": "f", "य़": "y",
}
_TABLE: dict[str, str] = {**_CYRILLIC, **_ARABIC, **_HEBREW, **_DEVANAGARI}

# Consonant classes: letters that translators swap for one another map to one symbol.
_CLASS = {
    "b": "B", "p": "B", "f": "F", "v": "F", "c": "K", "k": "K", "q": "K", "x": "K", "g": "G", "j": "G",
    "s": "S", "z": "S", "t": "T", "d": "T", "l": "L", "r": "R", "m": "M", "n": "N",
}


def latinize(word: str) -> str:
    """A rough Latin spelling of a word in Latin, Cyrillic, Arabic, Hebrew or Devanagari script."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", word.casefold()):
        if "a" <= ch <= "z":
            out.append(ch)
        elif ch in _TABLE:
            out.append(_TABLE[ch])
        else:
            base = unicodedata.normalize("NFD", ch)[0]
            if "a" <= base <= "z":
                out.append(base)
    return "".join(out)


def consonant_key(word: str) -> str:
    """The consonant skeleton of a word in any supported script, e.g. "Trump" → "TRMB"."""
    latin = latinize(word)
    keyed = [_CLASS[c] for c in latin if c in _CLASS]
    out: list[str] = []
    for c in keyed:
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


# ---------------------------------------------------------------- evidence tokens

_URL = re.compile(r"https?://[^\s\"'<>]+|www\.[^\s\"'<>]+", re.I)
# Letters plus the combining marks that Devanagari, Arabic and Hebrew write inside words.
_MARKS = ("\u0300-\u036f\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
          "\u0900-\u0903\u093a-\u094f\u0962\u0963")
_TOKEN = re.compile(rf"[^\W\d_](?:[^\W\d_]|[{_MARKS}])*(?:['’-][^\W\d_]+)*", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.!?؟。\n:\"«“„]\s*)$")


def _script(word: str) -> str:
    ch = word[0]
    if ch.isascii() or "\u00c0" <= ch <= "\u024f":
        return "latin"
    name = unicodedata.name(ch, "")
    return name.split(" ")[0].lower() if name else "other"


@dataclass(frozen=True, slots=True)
class Evidence:
    """The language-independent tokens of one text, by kind (figures, names, keys, urls)."""

    tokens: frozenset[str]


def _number_token(value: float) -> str:
    return f"n:{value:.6g}"


def evidence(text: str, lang: str | None = None, *, min_key: int = 2,
             figures: bool | Iterable[Figure] = True) -> Evidence:
    """The tokens of ``text`` that survive translation.

    - ``n:`` figures (normalized numbers from monitor.figures, so "1,5 млн" = "1.5 million");
    - ``u:`` URLs and domains;
    - ``w:`` Latin-script names and acronyms (capitalized mid-sentence in Latin-script text;
      any Latin word inside a text in another script, where it is a name kept as written);
    - ``k:`` the consonant key of every name candidate: Latin names, capitalized Cyrillic
      words, and the words of caseless scripts (Arabic, Hebrew, Devanagari), where a name
      cannot be told from a word by its case; rarity weighting sorts them out.

    ``figures=False`` leaves out the ``n:`` tokens (and the cost of extracting them) for
    callers that keep only names; ``figures`` may also be the figures of ``text`` when the
    caller has extracted them already.
    """
    tokens: set[str] = set()
    found = extract_figures(text, lang) if figures is True else figures or ()
    for fig in found:
        tokens.add(_number_token(fig.value))
    for m in _URL.finditer(text):
        url = m.group(0).lower().rstrip(".,;)")
        host = re.sub(r"^(https?://)?(www\.)?", "", url).split("/")[0]
        tokens.add(f"u:{host}")
    words = [(m.start(), m.group(0)) for m in _TOKEN.finditer(text)]
    # a word's script is its first letter's, and words recur: each is worked out once per text
    script_of_letter: dict[str, str] = {}
    for _, word in words:
        if word[0] not in script_of_letter:
            script_of_letter[word[0]] = _script(word[0])
    scripts = [script_of_letter[word[0]] for _, word in words]
    keys: dict[str, str] = {}
    latin_share = scripts.count("latin") / max(1, len(scripts))
    for (start, word), script in zip(words, scripts, strict=True):
        if script == "latin":
            # (the sentence-start test only for capitalized words, and only where it decides)
            if latin_share < 0.5 or (len(word) > 1 and word.isupper()) or (
                    word[0].isupper() and not _SENTENCE_START.search(text[max(0, start - 3):start])):
                if len(word) >= 2:
                    tokens.add(f"w:{word.casefold()}")
            else:
                continue
        elif script == "cyrillic":
            if not (word[0].isupper() and not _SENTENCE_START.search(text[max(0, start - 3):start])):
                continue
        elif script not in ("arabic", "hebrew", "devanagari"):
            continue
        key = keys.get(word)
        if key is None:
            key = keys[word] = consonant_key(_strip_affixes(word, script))
        if len(key) >= min_key:
            tokens.add(f"k:{key}")
    return Evidence(frozenset(tokens))


# Common one-letter clitics glued to words in Arabic-script and Hebrew text ("and", "the",
# "in", "to"); stripping them lets "والبرلمان" and "البرلمان" share a key.
_ARABIC_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف")
_HEBREW_PREFIXES = ("וה", "שה", "מה", "לה", "בה", "ה", "ו", "ב", "ל", "מ", "ש")


def _strip_affixes(word: str, script: str) -> str:
    prefixes = _ARABIC_PREFIXES if script == "arabic" else _HEBREW_PREFIXES if script == "hebrew" else ()
    for p in prefixes:
        if word.startswith(p) and len(word) - len(p) >= 3:
            return word[len(p):]
    return word


# ---------------------------------------------------------------- scoring


class EvidenceIndex:
    """idf weights of evidence tokens over a corpus (monitor.clustering builds its matrix on them).

    A token seen in many documents (a common year, a frequent consonant key) weighs little;
    one shared by few (an unusual figure, a rare name) weighs much.
    """

    def __init__(self, corpus: Iterable[Evidence]) -> None:
        df: dict[str, int] = {}
        n = 0
        for ev in corpus:
            n += 1
            for t in ev.tokens:
                df[t] = df.get(t, 0) + 1
        self.size = n
        self.df = df

    def idf(self, token: str) -> float:
        return math.log((self.size + 1) / (self.df.get(token, 0) + 0.5))


def script_of(text: str) -> str:
    """The dominant script of a text (latin, cyrillic, arabic, cjk, ...)."""
    counts: dict[str, int] = {}
    for m in _TOKEN.finditer(text[:2000]):
        s = _script(m.group(0))
        counts[s] = counts.get(s, 0) + 1
    return max(sorted(counts), key=lambda s: counts[s]) if counts else "none"


def token_hash(token: str) -> int:
    """A token as the signed 64-bit integer stored in ``evidence_tokens``."""
    return to_signed64(hash64(token))


def idf_weights(tokens: Iterable[K], df: Mapping[K, int], total: int) -> tuple[dict[K, float], float]:
    """idf weights of the tokens some other item has too (``df`` ≥ 2), and their norm: a token
    no one shares cannot link anything, and in a wordy script such tokens would dilute the
    ones that do. Keys are tokens or their stored hashes (monitor.matching)."""
    w = {t: math.log((total + 1) / (df[t] + 0.5)) for t in tokens if df.get(t, 0) >= 2}
    return w, math.sqrt(sum(x * x for x in w.values()))


def weighted_cosine(wa: Mapping[K, float], na: float, wb: Mapping[K, float], nb: float) -> float:
    """Cosine of two weightings from ``idf_weights`` (with their norms)."""
    shared = wa.keys() & wb.keys()
    if not shared:
        return 0.0
    return sum(wa[t] * wb[t] for t in shared) / (na * nb) if na and nb else 0.0


def evidence_cosine(a: Collection[str], b: Collection[str], df: Mapping[str, int], total: int) -> float:
    """Cosine of two items' idf-weighted evidence (``idf_weights``). The measure behind
    monitor.clustering's matrix and monitor.matching's cross-lingual links."""
    return weighted_cosine(*idf_weights(a, df, total), *idf_weights(b, df, total))
