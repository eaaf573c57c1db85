"""Language identification for news items: ISO 639-1 code plus confidence, 'und' when unsure.

First version: seeded langdetect (deterministic); script rules and lingua come next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

UNDETERMINED = "und"
_LANGDETECT_CODES = {"zh-cn": "zh", "zh-tw": "zh"}


@dataclass(frozen=True, slots=True)
class LanguageResult:
    """The detected language (ISO 639-1, or 'und') and a confidence in [0, 1]."""

    lang: str
    confidence: float

    def as_dict(self) -> dict[str, object]:
        return {"lang": self.lang, "confidence": round(self.confidence, 4)}


class LanguageIdentifier:
    """Detects the main language of a text; build once per process, then call detect()."""

    def __init__(self, candidates: Sequence[str] = (), min_confidence: float = 0.5,
                 max_chars: int = 2000) -> None:
        self.candidates = frozenset(c.lower() for c in candidates)
        self.min_confidence = min_confidence
        self.max_chars = max_chars
        self._factory = DetectorFactory()
        self._factory.load_profile(PROFILES_DIRECTORY)
        self._factory.seed = 0

    def detect(self, text: str, hint: str | None = None) -> LanguageResult:
        text = text[: self.max_chars]
        detector = self._factory.create()
        detector.append(text)
        try:
            probs = detector.get_probabilities()
        except LangDetectException:
            return LanguageResult(UNDETERMINED, 0.0)
        for p in probs:
            lang = _LANGDETECT_CODES.get(p.lang, p.lang)
            if self.candidates and lang not in self.candidates:
                continue
            if p.prob < self.min_confidence:
                return LanguageResult(UNDETERMINED, float(p.prob))
            return LanguageResult(lang, float(p.prob))
        return LanguageResult(UNDETERMINED, 0.0)

    def detect_item(self, title: str, summary: str, content: str,
                    hint: str | None = None) -> LanguageResult:
        text = "\n".join(part for part in (title, summary, content) if part)
        return self.detect(text, hint)
