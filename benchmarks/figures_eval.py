"""Figure extraction on NTREX (one news text in 18 languages) against a naive ASCII-digit regex.

Reproduces the shared scorer's metric (per document and language, multiset F1 of values against
the English original) by calling extract_figures directly; also reports the tune/check halves.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import time
import zlib
from collections.abc import Callable, Iterable

from benchmarks._report import shared_data, write_section
from benchmarks.figures_residue import audit, multiset_f1, residue_table
from monitor.figures import extract_figures

Values = collections.Counter[float]
Extractor = Callable[[str, str], Iterable[float]]
_NAIVE_ASCII = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_NAIVE_UNICODE = re.compile(r"\d+(?:[.,]\d+)*")


def _naive(pattern: re.Pattern[str], text: str) -> list[float]:
    out = []
    for m in pattern.finditer(text):
        try:
            out.append(float(m.group().replace(",", "")))
        except ValueError:
            continue
    return out


def naive_ascii_values(text: str, lang: str) -> list[float]:
    """Baseline: ASCII digit runs with inner commas dropped ("1,500" -> 1500, "1.5" -> 1.5)."""
    return _naive(_NAIVE_ASCII, text)


def naive_unicode_values(text: str, lang: str) -> list[float]:
    """Baseline: the same with Python's Unicode ``\\d`` (Persian, Arabic-Indic, Devanagari digits too)."""
    return _naive(_NAIVE_UNICODE, text)


def monitor_values(text: str, lang: str) -> list[float]:
    return [f.value for f in extract_figures(text, lang)]


# Small number words, for the ablation that decided against extracting them (2-20 and tens;
# "one" is left out: it is an article or pronoun more often than a count).
_WORDS = {
    "en": "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen twenty|thirty forty fifty sixty seventy eighty ninety",
    "de": "zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn sechzehn "
          "siebzehn achtzehn neunzehn zwanzig|dreißig vierzig fünfzig sechzig siebzig achtzig neunzig",
    "fr": "deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize dix-sept "
          "dix-huit dix-neuf vingt|trente quarante cinquante soixante soixante-dix quatre-vingts quatre-vingt-dix",
    "es": "dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis diecisiete "
          "dieciocho diecinueve veinte|treinta cuarenta cincuenta sesenta setenta ochenta noventa",
    "it": "due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici sedici "
          "diciassette diciotto diciannove venti|trenta quaranta cinquanta sessanta settanta ottanta novanta",
    "pt": "dois três quatro cinco seis sete oito nove dez onze doze treze catorze quinze dezesseis dezessete "
          "dezoito dezenove vinte|trinta quarenta cinquenta sessenta setenta oitenta noventa",
    "ru": "два три четыре пять шесть семь восемь девять десять одиннадцать двенадцать тринадцать четырнадцать "
          "пятнадцать шестнадцать семнадцать восемнадцать девятнадцать двадцать|тридцать сорок пятьдесят "
          "шестьдесят семьдесят восемьдесят девяносто",
}


def _word_table(lang: str) -> tuple[re.Pattern[str], dict[str, int]]:
    small, tens = _WORDS[lang].split("|")
    table = {w: i + 2 for i, w in enumerate(small.split())}
    table.update({w: 30 + 10 * i for i, w in enumerate(tens.split())})
    return re.compile(r"(?<![\w-])(" + "|".join(sorted(table, key=len, reverse=True)) + r")(?![\w-])", re.I), table


def with_number_words(langs: frozenset[str]) -> Extractor:
    """monitor plus small number words in ``langs`` (the ablation)."""
    tables = {lang: _word_table(lang) for lang in langs}

    def extract(text: str, lang: str) -> list[float]:
        out = monitor_values(text, lang)
        if lang in tables:
            rx, table = tables[lang]
            out += [float(table[m.group(1).lower()]) for m in rx.finditer(text)]
        return out

    return extract


def half(doc: str) -> str:
    """A fixed split of documents: tune on one half, check on the other."""
    return "tune" if zlib.crc32(doc.encode()) % 2 == 0 else "check"


def score(rows: list[dict[str, str]], extract: Extractor) -> tuple[dict[str, float], float, int, float]:
    """Per-language F1 (percent), their mean, the English figure count and docs per second."""
    t0 = time.perf_counter()
    vals: dict[tuple[str, str], Values] = {
        (r["doc"], r["lang"]): collections.Counter(round(float(v), 6) for v in extract(r["text"], r["lang"]))
        for r in rows
    }
    dt = time.perf_counter() - t0
    per_lang: dict[str, list[float]] = collections.defaultdict(list)
    docs = sorted({r["doc"] for r in rows})
    langs = sorted({r["lang"] for r in rows} - {"en"})
    n_en = 0
    for d in docs:
        ref = vals.get((d, "en"), collections.Counter())
        if not ref:
            continue
        n_en += sum(ref.values())
        for lang in langs:
            per_lang[lang].append(multiset_f1(ref, vals.get((d, lang), collections.Counter())))
    res = {lang: 100 * sum(v) / len(v) for lang, v in per_lang.items()}
    mean = sum(res.values()) / max(1, len(res))
    return res, mean, n_en, len(rows) / max(dt, 1e-9)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", help="shared data folder (default ../shared/data)")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    ap.add_argument("--audit", metavar="LANGS",
                    help="instead of scoring, list every disagreement with English in these languages "
                         "(comma-separated, e.g. fr,pt), each value in its sentence")
    args = ap.parse_args(argv)
    data = shared_data(args.data)
    if data is None:
        return 0
    path = data / "ntrex" / "documents.jsonl"
    if not path.exists():
        print(f"{path} not found; skipping")
        return 0
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.audit:
        print("\n".join(audit(rows, [lang.strip() for lang in args.audit.split(",") if lang.strip()])))
        return 0
    parts = {"all": rows,
             "tune": [r for r in rows if half(r["doc"]) == "tune"],
             "check": [r for r in rows if half(r["doc"]) == "check"]}
    systems = (("ascii", naive_ascii_values), ("unicode", naive_unicode_values), ("monitor", monitor_values))
    results = {(name, which): score(sub, fn) for name, sub in parts.items() for which, fn in systems}
    langs = sorted(results["all", "monitor"][0])
    lines = ["| language | naive `[0-9]` regex F1 | naive `\\d` regex F1 | monitor F1 |", "|---|---:|---:|---:|"]
    for lang in langs:
        lines.append(f"| {lang} | " + " | ".join(f"{results['all', w][0][lang]:.1f}" for w, _ in systems) + " |")
    for name in ("all", "tune", "check"):
        lines.append(f"| **mean ({name}, {len(parts[name])} texts)** | "
                     + " | ".join(f"{results[name, w][1]:.2f}" for w, _ in systems) + " |")
    for name in ("all", "tune", "check"):
        lines.append(f"| min language ({name}) | "
                     + " | ".join(f"{min(results[name, w][0].values()):.1f}" for w, _ in systems) + " |")
    halves = ["| language | monitor F1 (all) | monitor F1 (tune) | monitor F1 (check) |", "|---|---:|---:|---:|"]
    for lang in langs:
        halves.append(f"| {lang} | " + " | ".join(f"{results[name, 'monitor'][0][lang]:.1f}"
                                                for name in ("all", "tune", "check")) + " |")
    all_m = results["all", "monitor"]
    ablation = [("English only", frozenset({"en"})), ("7 languages (en de fr es it pt ru)", frozenset(_WORDS))]
    abl_lines = ["| variant | mean F1 (all) | min language |", "|---|---:|---:|",
                 f"| monitor (no small number words) | {all_m[1]:.2f} | {min(all_m[0].values()):.1f} |"]
    for label, word_langs in ablation:
        res = score(rows, with_number_words(word_langs))
        abl_lines.append(f"| + small number words, {label} | {res[1]:.2f} | {min(res[0].values()):.1f} |")
    body = (
        "Per document and language, multiset F1 of extracted values against the English original "
        "(the metric of `../shared/eval/ntrex_eval.py figures`), computed by calling "
        "`extract_figures` directly. Targets: mean ≥ 97, every language ≥ 95. Documents are split "
        "in fixed halves (crc32 of the doc id); rules were developed on `tune`, though some error "
        "listings of `check` were also read during the first round of development, so `check` is not "
        "strictly unseen. The second round (number words: Chinese numerals, Arabic/Urdu/Persian/Pashto/"
        "Kurdish tens and teens, hours and age decades in words) read `tune` listings only and kept a rule "
        "when it raised `tune` without lowering the `check` mean. The third round read listings of both "
        "halves (every disagreement, classified as our error or a translation's own choice) and kept a rule "
        "only when it lowered neither half's mean and raised at least one: match clocks past 24 (`27:37`), "
        "parts of the day after digit times (`las 5.30 de la tarde`), Russian/Ukrainian plural scale words, "
        "Turkish `mil` (a mile), markup tags, scores with nil in words (Persian/Urdu), number words 11-99 in "
        "English, the Romance languages, German, Russian, Ukrainian, Turkish, Hebrew and Hindi, a number word "
        "before a scale or percent word (`six million`, `three per cent`) in every language, Roman-numeral "
        "centuries, fractions (`14½`), "
        "Persian hundreds, a currency sign between number and scale (`11$ بلین`); before it the mean was 95.86 "
        "(tune 97.65, check 94.50). The fourth round listed every disagreement of both halves again and "
        "classified each: about two thirds are unit conversions (miles, inches, pounds, °F into km, cm, kg, "
        "°C; more than half of what fr and pt lose), and nearly all the rest are the translations' own too "
        "(small numbers spelled out on one side, rewordings such as \"on Saturday\" → \"le 29 septembre\" "
        "or \"the quarter-hour mark\" → \"minuto 15\", sentences dropped or added, numbers the translator "
        "got wrong). Three were ours and had a general rule, each kept because it raised `check` and left "
        "`tune` unchanged: Arabic duals of scale words (`مليوني دولار` = 2 million), Pashto numbers with the "
        "unit first (`یو دیرش` = 31), and a lone zero glued to the start of a word (`0ведены`, the letter O "
        "mistyped) is no figure; before it the mean was 96.76 (tune 98.28, check 95.61). Ours and left for "
        "want of a safe rule: a Sorani list (`٥٥،٦٠ خولەک`, \"55, 60 minutes\") read as the decimal 55.6, "
        "an Urdu list that writes its scale word once for four numbers, Portuguese `o onze` (the team) read "
        "as 11. The fifth round probed formats common in news that NTREX lacks (none of `M€`, `Md€`, `mln`, "
        "`mld` or `bilião` occurs in it), with sentences written for each, and fixed what was clearly wrong: "
        "abbreviated scales before a currency (`10 M€`, `3,5 Md€`, `2 Mds d'euros`, `50 k€`, Spanish "
        "`2 mil M€`; alone `M` and `k` stay unread, too often a size or a grade; German `Bio.` only before a "
        "currency, else the organic label), Italian `mln`/`mld`, Spanish `mill.`, German `Tsd.`, Indian "
        "English `crore`/`lakh`, Urdu/Hindi `کھرب`/`खरब` (10^11), a thousand billion (`۳ هزار میلیارد`), a "
        "hyphenated scale (`$1.2-billion`); European Portuguese `bilião` is 10^12 (Portugal keeps the long "
        "scale: its 10^9 is `mil milhões`) while Brazilian `bilhão` stays 10^9 and `trilhão` is 10^12, the "
        "spellings telling the two apart without a language code; dollar signs after letters name their own "
        "currency (`R$` BRL, `C$`, `A$`, `HK$`, `NT$`, `NZ$`, `S$`, `MX$`) and Brazilian `R$ 2,5 bi`/`mi` "
        "scale; press abbreviations of currencies (`ש\"ח`, `руб.`, `долл.`, `грн`, `TL`, `reais`, `جنيه مصري`, "
        "`dollars canadiens`) and Chinese currency words with text glued after them (`3亿美元的`); ranges "
        "share the second number's scale word with the first after `between`/`entre`/`zwischen`/`tra`/`بين`/"
        "`בין` + and (\"and\" alone is no range: \"3 and 4 million\" may be two figures), after `or`, "
        "`ila`, `سے`, `到`, `إلى`, `עד`, Turkish `3 ile 4 milyon arasında`, between number words (`two or "
        "three million`, `بين ثلاثة وأربعة ملايين`), and a currency before a range makes both ends money "
        "(`$3-4 billion`); Chinese clock times with a part of the day are one time (`下午3点30分` = 15:30, "
        "`3点半`, `下午3点到5点`); Hebrew hundreds and thousands in words (`מאתיים`, `אלפיים`, `שלוש מאות`, "
        "`שלושת אלפים`; `בשנת אלפיים` is a year). Every change left both halves exactly as they were "
        "(mean 96.82, tune 98.28, check 95.71), so this round is measured by its unit tests, not by NTREX. "
        "Left for want of a safe rule: Spanish `MM€` (millions in some countries' usage, thousands of millions "
        "in others'), Mexican `mdd`/`mdp`, bare `pesos`, `ريال`, `درهم` (the country is unknown). "
        "The sixth round, probed the same way, reads British `5.5pc` as a percent (lowercase only: `300 PCs` "
        "stay a count), a `k` glued to digits as a thousand (`300k signatures`; not a capital `10K` or a "
        "`5k race`), a glued `m` as a million only before `-strong` (`1.5m-high` stays metres), and keeps "
        "a German, Russian or Ukrainian adjective in the unit (`politische Gefangene`), leaving NTREX "
        "exactly as it was. The seventh round (2026-12-07) shares a scale word that closes a list with the "
        "bare decimals before it (`CBS had 3.1 million, NBC 2.94 and CNN 2.52 million`, `$1.2, $1.5 and $2 "
        "billion`, the Urdu list above; a number counting its own noun, a whole number, another currency or a "
        "sentence end keeps it apart) and no longer reads a conjunction as the counted noun (`1,5 et 2 "
        "milliards`): mean 96.82 → 96.84. Probed the same way as rounds five and six, with sentences written "
        "for each: half or a quarter of a scale word is a figure in twelve languages (`half a million`, `un "
        "demi-million`, `eine halbe Million`, `medio millón`, `полмиллиона`, `yarım milyon`, `نیم میلیون`, "
        "`نصف مليون`, `חצי מיליון`, `a quarter of a million`, `ربع مليون`; none occurs in NTREX), and a Russian "
        "or Ukrainian noun in adjective form (`200 задержанных`, `30 раненых`) no longer takes the verb after "
        "it into the unit (`остаются`, `доставлены`). Dates of the other calendars the core languages use were "
        "counts: a day before an Iranian, Afghan, Pashto or Sorani month (`۲۵ شهریور`, `۲۲ د وږي`), a "
        "Levantine month (`3 كانون الثاني`) or a lunar hijri month (`15 رمضان`) is now a date, and the 4-digit "
        "number after a hijri month (1300-1500) or before a calendar mark (`1445 هـ`, `۱۳۵۷ خورشیدی`, "
        "`۱۴۰۰ کال`) a year, so that a day such as `18 تیر`, cited by every outlet on an anniversary, cannot "
        "become a repeated figure (Afghan months that are also common words, `سرطان`, `میزان`, `اسد`, only "
        "between a day and a year). A glued `m` is a million before what only millions count (`1.2m people`, "
        "`3m barrels`), a length otherwise (`a 3m wall`, `the 100m final`). The afghani is money in Pashto "
        "and Dari (`۲.۵ میلیارد افغانی`), and a Chinese unit keeps its agent suffix (`抗议者`, `政治犯`, "
        "`工作人员`) while `人` stands alone (`3万人走上街头` counts 人). Reading real feed snapshots "
        "(`../shared/data/feeds`) showed two more sources of noise, fixed in every language: a number a label "
        "word names is an identifier, kept but never alerted on (`Resolution 2231`, `Article 5`, `Flight 370`, "
        "`la résolution 2231`, `статье 282`, `قطعنامه ۲۲۳۱`, `القرار 2231`, `סעיף 5`; in NTREX it marks only "
        "`Radio 4`), web and mail addresses yield no figures (`https://…/2021/04/14/story-4829301`), a "
        "version or a network address is one identifier (`2.0.1`, `192.168.1.1`; `1.500.000` stays a number), "
        "and dates written year first with slashes, as Iranian and Arab papers do, are a year and a day "
        "(`۱۴۰۲/۱۰/۱۵`, `١٤٤٥/٠٩/١٥`), not three counts. Last, a day written as a word before its month is "
        "a date, as translations write \"1 October\" (`el uno de octubre`, `اول اکتبر`, `الأول من أكتوبر`, "
        "`یکم اکتوبر`, `перше жовтня`; never an article, `un mars`, nor Turkish `on`, an English word too), and "
        "month stems no longer catch other words (`3 décadas`, `3 червоних`): mean 96.84 → 96.89, `check` 95.74 → "
        "95.84, `tune` unchanged.\n\n"
        "**Why fr and pt stay under 95.** Every French and Portuguese disagreement was read in both texts and "
        "classified (`python -m benchmarks.figures_eval --audit fr,pt` lists them; the classes live in "
        "`benchmarks/figures_residue.py` and the table below is recomputed on each run, with anything not yet "
        "read shown as `unclassified`). What the two languages lose is the translations' own doing: converted "
        "units alone cost more points than the gap to 95, and only the `ours` cases could change with another "
        "choice, which would still leave both under 95. An extractor that reports what each text says cannot "
        "reach 95 on these two translations; matching converted values would mean inventing numbers the text "
        "does not contain.\n\n"
        + residue_table(rows)
        + "\n\n"
        + "\n".join(lines)
        + "\n\nPer language on the two halves:\n\n" + "\n".join(halves)
        + f"\n\nTargets: mean {all_m[1]:.2f} (target 97: {'met' if all_m[1] >= 97 else 'not met'}); "
        + "languages below 95: " + (", ".join(f"{lang} {v:.1f}" for lang, v in sorted(all_m[0].items()) if v < 95)
                                    or "none") + "."
        + f"\n\nEnglish figures found: {all_m[2]} (naive: {results['all', 'ascii'][2]}); "
        f"throughput {all_m[3]:.0f} texts/s in-process.\n\n"
        "Do small number words help? Measured, not assumed: translations keep small numbers as words far "
        "more often than they turn them into digits, so adding them lowers F1 (they are not extracted "
        "alone; number words from eleven up, before a scale or percent word, in scores with nil, hours "
        "with a part of the day and ages by decade are). Spelled percentages (`three per cent`) read on "
        "the English side and in European languages only lowered `tune` (97.65 → 97.45, `check` 94.60 "
        "unchanged); read in every language (`سه درصد`, `שלושה אחוז`, `yüzde üç`) they raise both halves "
        "and are kept:\n\n"
        + "\n".join(abl_lines)
        + "\n\nThe shared scorer through the CLI contract: `python3 ../shared/eval/ntrex_eval.py figures "
        "--monitor \".venv/bin/monitor figures\" --docs ../shared/data/ntrex/documents.jsonl`.\n\n"
        "Run: `python -m benchmarks.figures_eval [--data DIR]`\n"
    )
    print(body)
    if not args.no_write:
        write_section("figures", "Figure extraction (NTREX, 18 languages)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
