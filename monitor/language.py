"""Language identification for news items: an ISO 639-1 code with a confidence, 'und' when unsure.

Writing-system rules (monitor.scripts) first, then lingua's n-gram models weighed with a documented
prior over languages (speaker populations), the feed's declared language and function-word evidence.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from monitor.htmltext import html_to_text
from monitor.scripts import ScriptVerdict, analyze

UNDETERMINED = "und"

# Total speakers (L1 + L2) in millions, rounded, after Ethnologue 2023 / Wikipedia's "List of
# languages by total number of speakers". A text is a priori more likely to be in a language
# more people read and write; the exponent PRIOR_WEIGHT tempers this (1 = proportional).
SPEAKERS_MILLIONS: dict[str, float] = {
    "en": 1456, "zh": 1138, "hi": 610, "es": 559, "fr": 310, "ar": 274, "bn": 273, "pt": 264,
    "ru": 255, "ur": 232, "id": 199, "de": 133, "ja": 123, "pa": 113, "mr": 99, "te": 96,
    "tr": 90, "ta": 86, "vi": 85, "tl": 83, "ko": 82, "fa": 79, "sw": 72, "it": 68, "gu": 62,
    "th": 61, "ms": 60, "yo": 46, "pl": 41, "uk": 39, "zu": 28, "nl": 25, "ro": 24, "az": 24,
    "so": 22, "xh": 19, "af": 18, "tn": 14, "st": 14, "hu": 13, "el": 13, "sv": 13, "kk": 13,
    "sr": 12, "cs": 11, "sn": 11, "lg": 11, "ca": 9, "he": 9, "bg": 8, "sk": 7, "sq": 7,
    "da": 6, "fi": 6, "hr": 6, "mn": 6, "be": 5, "nb": 5, "hy": 5, "ka": 4, "ts": 4, "lt": 3,
    "bs": 3, "sl": 2.5, "mk": 2, "eo": 2, "ga": 1.9, "lv": 1.8, "et": 1.2, "cy": 0.9,
    "eu": 0.9, "nn": 0.7, "is": 0.4, "mi": 0.2, "la": 0.1,
}
PRIOR_WEIGHT = 0.3  # chosen on lines 0-249 of the shared langid files (see docs/benchmarks.md)
HINT_BONUS = 2.0  # log-odds for the feed's declared language
RULE_CONFIDENCE = 0.99  # a language decided by its writing system alone
# The model's posterior is under-confident, more so on longer texts: a logistic fit on lines
# 0-249 of the shared langid files maps (posterior, length) to the probability that the answer
# is right, so ``min_confidence`` means what it says.
CALIBRATION = (0.8610, 0.8674, -1.0215)  # logit(posterior), ln(characters), intercept
_SCORE_FLOOR = 1e-4
_NO_EVIDENCE = 1e-6  # keeps log() finite for languages lingua all but excludes
# lingua's high-accuracy models (1- to 5-grams) take ~10 s to load for all Latin-script
# languages; trigram models load in well under a second. So trigrams rank all languages,
# and the full models only weigh a shortlist (which changes the answer on <0.3% of texts).
SHORTLIST = 10
SHORTLIST_MASS = 0.9999
# When trigrams alone are this sure (prior included) the full models never changed the answer
# on the tuning lines; skipping them saves most of the time and model loading on sentences.
SURE_ENOUGH = 0.999
_LONG_TEXT = 120  # from this length lingua uses trigrams only, even in high-accuracy mode
# Full models are worth their loading time on fragments (titles, one or two words) and in the
# small non-Latin script families. A batch of varied Latin-script sentences would otherwise
# load the 4- and 5-gram models of ~45 languages (~10 s): for those, seeded langdetect's
# probabilities are the second opinion instead (chosen on lines 0-249, see docs/benchmarks.md).
FULL_MODEL_MAX_WORDS = 2
LANGDETECT_WEIGHT = 1.5
_LANGDETECT_CODES = {"zh-cn": "zh", "zh-tw": "zh", "no": "nb"}
_DETECTOR_CACHE = 512

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|[@#]\w+")

_LINGUA_BY_CODE: dict[str, Language] = {
    lang.iso_code_639_1.name.lower(): lang for lang in Language.all()
}


def _code(language: Language) -> str:
    return language.iso_code_639_1.name.lower()


_CODE_BY_LINGUA: dict[Language, str] = {lang: _code(lang) for lang in Language.all()}


@dataclass(frozen=True, slots=True)
class LanguageResult:
    """The detected language (ISO 639-1, or 'und') and a confidence in [0, 1]."""

    lang: str
    confidence: float
    method: str = ""  # "script" (decided by letters), "model", "hint" or "" (no evidence)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"lang": self.lang, "confidence": round(self.confidence, 4)}
        if self.method:
            out["method"] = self.method
        return out


class LanguageIdentifier:
    """Detects the main language of a text. Build once per process (models load lazily, on
    first use per language), then call detect() as often as needed.

    ``candidates`` restricts the answer to those languages (empty = every supported language);
    ``min_confidence`` is the posterior below which the answer is 'und'; ``max_chars`` bounds
    how much of a long text is read.
    """

    def __init__(self, candidates: Sequence[str] = (), min_confidence: float = 0.5,
                 max_chars: int = 2000, *, prior_weight: float = PRIOR_WEIGHT,
                 shortlist: int = SHORTLIST) -> None:
        self.candidates = frozenset(c.lower() for c in candidates)
        self.min_confidence = min_confidence
        self.max_chars = max_chars
        self.prior_weight = prior_weight
        self.shortlist = shortlist
        model_langs = [lang for code, lang in _LINGUA_BY_CODE.items()
                       if not self.candidates or code in self.candidates]
        self._log_prior = {code: prior_weight * math.log(SPEAKERS_MILLIONS.get(code, 1.0))
                           for code in _LINGUA_BY_CODE}
        self._ranker: LanguageDetector | None = None
        if len(model_langs) >= 2:
            self._ranker = (LanguageDetectorBuilder.from_languages(*model_langs)
                            .with_low_accuracy_mode().build())
        self._single = _code(model_langs[0]) if len(model_langs) == 1 else None
        self._detectors: OrderedDict[frozenset[str], LanguageDetector] = OrderedDict()
        self._langdetect: DetectorFactory | None = None  # loaded on first use

    # -- public API -------------------------------------------------------------------------

    def detect(self, text: str, hint: str | None = None) -> LanguageResult:
        """The main language of ``text``; ``hint`` (a declared language) acts as a prior."""
        return self.detect_many([text], [hint])[0]

    def detect_item(self, title: str, summary: str, content: str,
                    hint: str | None = None) -> LanguageResult:
        """The main language of a feed item, read from its title, summary and content."""
        return self.detect(self.item_sample(title, summary, content), hint)

    def item_sample(self, title: str, summary: str, content: str) -> str:
        """The bounded text an item's language is read from (long articles need not be read whole);
        pass these to detect_many to identify a batch of items at once."""
        parts = [html_to_text(p) for p in (title, summary, content[: self.max_chars * 2]) if p]
        return "\n".join(parts)[: self.max_chars]

    def detect_many(self, texts: Iterable[str],
                    hints: Iterable[str | None] | None = None) -> list[LanguageResult]:
        """detect() over many texts (hints aligned with texts, or none); the same answers,
        faster, since the first model pass runs over the batch on all cores."""
        texts = list(texts)
        hint_list = list(hints) if hints is not None else [None] * len(texts)
        if len(hint_list) != len(texts):
            raise ValueError("hints must align with texts")
        results: list[LanguageResult | None] = [None] * len(texts)
        pending: list[tuple[int, ScriptVerdict, str | None]] = []
        for i, (text, hint) in enumerate(zip(texts, hint_list, strict=True)):
            verdict = analyze(_without_urls(text[: self.max_chars]))
            if verdict.script is None:
                results[i] = LanguageResult(UNDETERMINED, 0.0)
            elif verdict.decided and self._allowed(verdict.decided):
                results[i] = LanguageResult(verdict.decided, RULE_CONFIDENCE, "script")
            else:
                pending.append((i, verdict, hint.lower().split("-")[0] if hint else None))
        if pending:
            first = self._first_pass([v.focus for _, v, _ in pending])
            for (i, verdict, hint), values in zip(pending, first, strict=True):
                results[i] = self._decide(verdict, hint, values)
        return [r if r is not None else LanguageResult(UNDETERMINED, 0.0) for r in results]

    # -- internals --------------------------------------------------------------------------

    def _allowed(self, code: str) -> bool:
        return not self.candidates or code in self.candidates

    def _first_pass(self, texts: list[str]) -> list[list[Any]]:
        if self._ranker is None:
            return [[] for _ in texts]
        if len(texts) == 1:
            return [self._ranker.compute_language_confidence_values(texts[0])]
        return self._ranker.compute_language_confidence_values_in_parallel(texts)

    def _decide(self, verdict: ScriptVerdict, hint: str | None, values: list[Any]) -> LanguageResult:
        posterior = self._posterior(verdict, hint, values)
        if not posterior:
            return LanguageResult(UNDETERMINED, 0.0)
        lang = max(posterior, key=lambda code: posterior[code])
        conf = calibrated(posterior[lang], len(verdict.focus)) if len(posterior) > 1 else RULE_CONFIDENCE
        if conf < self.min_confidence:
            return LanguageResult(UNDETERMINED, conf, "model")
        return LanguageResult(lang, conf, "hint" if lang == hint and len(posterior) > 1 else "model")

    def _scores(self, values: Iterable[Any], verdict: ScriptVerdict,
                hint: str | None) -> dict[str, float]:
        scores: dict[str, float] = {}
        for cv in values:
            if cv.value < _NO_EVIDENCE:
                continue  # lingua rules such languages out (wrong letters for them)
            code = _CODE_BY_LINGUA[cv.language]
            if verdict.allowed and code not in verdict.allowed:
                continue
            s = math.log(cv.value + _SCORE_FLOOR) + self._log_prior[code] + verdict.bonus.get(code, 0.0)
            if code == hint:
                s += HINT_BONUS
            scores[code] = s
        return scores

    def _posterior(self, verdict: ScriptVerdict, hint: str | None,
                   values: list[Any]) -> dict[str, float]:
        if self._single is not None:
            return {self._single: 1.0} if not verdict.allowed or self._single in verdict.allowed else {}
        text = verdict.focus
        scores = self._scores(values, verdict, hint)
        if not scores and verdict.allowed:
            # lingua saw no evidence for the languages the script allows: fall back on the prior.
            scores = {c: self._log_prior.get(c, 0.0) + verdict.bonus.get(c, 0.0)
                      for c in verdict.allowed if self._allowed(c) and c in self._log_prior}
            return _softmax(scores)
        posterior = _softmax(scores)
        if len(scores) > 1 and len(text) < _LONG_TEXT and max(posterior.values()) < SURE_ENOUGH:
            if verdict.script == "Latin" and len(text.split()) > FULL_MODEL_MAX_WORDS:
                ld = self._langdetect_probabilities(text)
                scores = {c: v + LANGDETECT_WEIGHT * math.log(ld.get(c, 0.0) + 1e-3)
                          for c, v in scores.items()}
                return _softmax(scores)
            top = _shortlist(posterior, self.shortlist)
            if len(top) > 1:
                detector = self._detector(frozenset(top))
                scores = self._scores(detector.compute_language_confidence_values(text), verdict, hint)
                posterior = _softmax(scores)
        return posterior

    def _langdetect_probabilities(self, text: str) -> dict[str, float]:
        if self._langdetect is None:
            self._langdetect = DetectorFactory()
            self._langdetect.load_profile(PROFILES_DIRECTORY)
            self._langdetect.seed = 0  # langdetect samples n-grams at random: seed for determinism
        detector = self._langdetect.create()
        detector.append(text)
        try:
            found = detector.get_probabilities()
        except LangDetectException:
            return {}
        return {_LANGDETECT_CODES.get(p.lang, p.lang): float(p.prob) for p in found}

    def _detector(self, codes: frozenset[str]) -> LanguageDetector:
        # lingua keeps loaded models in a process-wide store, so detectors for different
        # shortlists share them; building one is cheap.
        det = self._detectors.get(codes)
        if det is None:
            det = LanguageDetectorBuilder.from_languages(*(_LINGUA_BY_CODE[c] for c in codes)).build()
            self._detectors[codes] = det
            if len(self._detectors) > _DETECTOR_CACHE:
                self._detectors.popitem(last=False)
        else:
            self._detectors.move_to_end(codes)
        return det


def _without_urls(text: str) -> str:
    # every _URL match holds "@", "#", "http" or "www.": most texts hold none and skip the
    # scan (its "\S+@" alternative backtracks over every word)
    if "@" in text or "#" in text or "http" in text or "www." in text:
        return _URL.sub(" ", text)
    return text


def calibrated(posterior: float, length: int) -> float:
    """The probability that the top answer is right, from its posterior and the text length."""
    p = min(max(posterior, 1e-6), 1 - 1e-6)
    a, b, c = CALIBRATION
    z = a * math.log(p / (1 - p)) + b * math.log(max(length, 1)) + c
    return 1.0 / (1.0 + math.exp(-z))


def _shortlist(posterior: dict[str, float], limit: int) -> list[str]:
    # The most likely languages holding all but 1e-4 of the mass: fewer models to load.
    top: list[str] = []
    mass = 0.0
    for code in sorted(posterior, key=lambda c: posterior[c], reverse=True)[:limit]:
        top.append(code)
        mass += posterior[code]
        if mass >= SHORTLIST_MASS:
            break
    return top


def _softmax(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    top = max(scores.values())
    exp = {c: math.exp(s - top) for c, s in scores.items()}
    total = sum(exp.values())
    return {c: v / total for c, v in exp.items()}
