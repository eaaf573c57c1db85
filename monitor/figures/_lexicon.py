"""Words around numbers, per language: scale words, qualifiers, currencies, percent and time cues.

Plain data only; _extract.py compiles it into regular expressions once per Extractor.
"""

from __future__ import annotations

# Scale words that multiply the number before them. Patterns are regex fragments matched
# case-insensitively right after the number (after optional spaces); longer ones first.
# "billion" is 10^9 in English and Portuguese (Brazil) but 10^12 in German, French, Spanish:
# translations of "$2 billion" say "2 Milliarden", "2 milliards", "2.000 millones".
SCALES: list[tuple[str, int]] = [
    # Spanish/Portuguese "mil millones"/"mil milhões" = 10^9 before plain "mil"
    (r"mil\s+millones", 10**9), (r"mil\s+milh(?:ões|ao|ão)", 10**9),
    # English
    (r"thousand", 10**3), (r"million", 10**6), (r"billion", 10**9), (r"trillion", 10**12),
    (r"bn", 10**9), (r"mn", 10**6),
    # Indian English ("Rs 500 crore", "₹2 lakh")
    (r"crores?", 10**7), (r"lakhs?", 10**5),
    # German
    (r"tausend", 10**3), (r"tsd\.", 10**3), (r"millionen", 10**6), (r"mio\.?", 10**6), (r"milliarden?", 10**9),
    (r"mrd\.?", 10**9), (r"billionen", 10**12),
    # French
    (r"mille", 10**3), (r"millions", 10**6), (r"milliards?", 10**9),
    # Spanish, Portuguese, Italian
    (r"millones", 10**6), (r"millón", 10**6), (r"mill\.", 10**6), (r"billones", 10**12), (r"billón", 10**12),
    (r"milh(?:ões|oes|ão|ao)", 10**6), (r"bilh(?:ões|oes|ão|ao)", 10**9), (r"trilh(?:ões|oes|ão|ao)", 10**12),
    # European Portuguese keeps the long scale: "bilião" is 10^12 (its 10^9 is "mil milhões"), while
    # Brazilian "bilhão" above is 10^9; the spellings differ, so no language code is needed
    (r"bili(?:ões|oes|ão|ao)", 10**12),
    (r"mila", 10**3), (r"milioni", 10**6), (r"milione", 10**6), (r"miliardi", 10**9),
    (r"miliardo", 10**9), (r"mln", 10**6), (r"mld", 10**9), (r"mil", 10**3),
    # Russian, Ukrainian
    (r"тысяч[аиуе]?", 10**3), (r"тыс\.?", 10**3), (r"тисяч[аіу]?", 10**3), (r"тис\.?", 10**3),
    (r"миллион(?:ами|ах|ов|а|у|ом|ы)?", 10**6), (r"мільйон(?:ами|ах|ів|а|у|ом|и)?", 10**6),
    (r"млн\.?", 10**6),
    (r"миллиард(?:ами|ах|ов|а|у|ом|ы)?", 10**9), (r"мільярд(?:ами|ах|ів|а|у|ом|и)?", 10**9),
    (r"млрд\.?", 10**9), (r"триллион(?:ов|а)?", 10**12), (r"трильйон(?:ів|а)?", 10**12),
    (r"трлн\.?", 10**12),
    # Turkish (case suffixes follow directly or after an apostrophe)
    (r"milyon\w*", 10**6), (r"milyar\w*", 10**9), (r"trilyon\w*", 10**12), (r"bin(?:['’]\w+)?", 10**3),
    # Arabic
    # (case endings: tanween and alef, e.g. "مليونًا", "ألفاً")
    (r"مليارات", 10**9), (r"مليار[\u064b-\u065f]*ا?[\u064b-\u065f]*", 10**9), (r"بلايين", 10**9),
    (r"بليون[\u064b-\u065f]*ا?[\u064b-\u065f]*", 10**9), (r"ملايين", 10**6),
    (r"مليون[\u064b-\u065f]*ا?[\u064b-\u065f]*", 10**6), (r"آلاف", 10**3),
    (r"[أا]لف[\u064b-\u065f]*ا?[\u064b-\u065f]*", 10**3), (r"تريليون", 10**12),
    # Persian, Dari, Pashto, Kurdish (Sorani)
    (r"میلیارد\w*", 10**9), (r"ملیارد\w*", 10**9), (r"میلیون\w*", 10**6), (r"ملیون\w*", 10**6),
    (r"بیلیون\w*", 10**9), (r"هزار", 10**3), (r"زره", 10**3), (r"تریلیون", 10**12),
    (r"هەزار\w*", 10**3), (r"میلیۆن\w*", 10**6), (r"ملیۆن\w*", 10**6), (r"ملیار\w*", 10**9),
    (r"میلیار\w*", 10**9), (r"بلیۆن\w*", 10**9),
    # Urdu and Hindi (South Asian lakh = 10^5, crore = 10^7)
    (r"ہزار", 10**3), (r"لاکھ", 10**5), (r"کروڑ", 10**7), (r"ارب", 10**9), (r"کھرب", 10**11), (r"ملین", 10**6),
    (r"بلین", 10**9),
    (r"हज़ार", 10**3), (r"हजार", 10**3), (r"लाख", 10**5), (r"करोड़", 10**7), (r"करोड", 10**7),
    (r"अरब", 10**9), (r"खरब", 10**11), (r"मिलियन", 10**6), (r"बिलियन", 10**9), (r"ट्रिलियन", 10**12),
    # Hebrew
    (r"מיליארד", 10**9), (r"מיליון", 10**6), (r"אלף", 10**3), (r"טריליון", 10**12),
]

# Chinese scale characters attach to the digits with no space and need no word boundary.
CJK_SCALES: list[tuple[str, int]] = [
    ("万亿", 10**12), ("千亿", 10**11), ("百亿", 10**10), ("十亿", 10**9), ("亿", 10**8),
    ("千万", 10**7), ("百万", 10**6), ("十万", 10**5), ("万", 10**4), ("千", 10**3),
]

# Qualifiers before the number: phrase pattern -> language-independent code.
QUALIFIERS_BEFORE: list[tuple[str, str]] = [
    # English
    (r"more than", "over"), (r"over", "over"), (r"above", "over"), (r"in excess of", "over"),
    (r"upwards of", "over"), (r"nearly", "nearly"), (r"almost", "nearly"), (r"close to", "nearly"),
    (r"about", "about"), (r"around", "about"), (r"approximately", "about"), (r"roughly", "about"),
    (r"some", "about"), (r"an estimated", "about"), (r"estimated", "about"), (r"at least", "at_least"),
    (r"up to", "up_to"), (r"as many as", "up_to"), (r"less than", "under"), (r"fewer than", "under"),
    (r"under", "under"),
    # German
    (r"mehr als", "over"), (r"über", "over"), (r"fast", "nearly"), (r"beinahe", "nearly"),
    (r"knapp", "nearly"), (r"rund", "about"), (r"etwa", "about"), (r"ungefähr", "about"),
    (r"ca\.", "about"), (r"circa", "about"), (r"mindestens", "at_least"), (r"bis zu", "up_to"),
    (r"weniger als", "under"),
    # French
    (r"plus de", "over"), (r"près de", "nearly"), (r"presque", "nearly"), (r"environ", "about"),
    (r"quelque", "about"), (r"au moins", "at_least"), (r"jusqu['’]à", "up_to"), (r"moins de", "under"),
    # Spanish, Portuguese, Italian
    (r"más de", "over"), (r"casi", "nearly"), (r"cerca de", "nearly"), (r"alrededor de", "about"),
    (r"unos", "about"), (r"unas", "about"), (r"al menos", "at_least"), (r"hasta", "up_to"),
    (r"menos de", "under"), (r"mais de", "over"), (r"quase", "nearly"), (r"aproximadamente", "about"),
    (r"pelo menos", "at_least"), (r"até", "up_to"), (r"più di", "over"), (r"oltre", "over"),
    (r"quasi", "nearly"), (r"circa", "about"), (r"almeno", "at_least"), (r"fino a", "up_to"),
    (r"meno di", "under"),
    # Russian, Ukrainian
    (r"более", "over"), (r"больше", "over"), (r"свыше", "over"), (r"почти", "nearly"),
    (r"около", "about"), (r"примерно", "about"), (r"порядка", "about"), (r"не менее", "at_least"),
    (r"по меньшей мере", "at_least"), (r"менее", "under"), (r"понад", "over"), (r"більше", "over"),
    (r"майже", "nearly"), (r"близько", "about"), (r"приблизно", "about"), (r"щонайменше", "at_least"),
    (r"принаймні", "at_least"),
    # Turkish
    (r"yaklaşık", "about"), (r"en az", "at_least"), (r"neredeyse", "nearly"),
    # Arabic
    (r"أكثر من", "over"), (r"اكثر من", "over"), (r"ما يزيد على", "over"), (r"ما يزيد عن", "over"),
    (r"ما يقرب من", "nearly"), (r"قرابة", "nearly"), (r"نحو", "about"), (r"حوالي", "about"),
    (r"حوالى", "about"), (r"على الأقل", "at_least"), (r"ما لا يقل عن", "at_least"), (r"أقل من", "under"),
    # Persian, Dari, Pashto, Urdu
    (r"بیش از", "over"), (r"بیشتر از", "over"), (r"نزدیک به", "nearly"), (r"حدود", "about"),
    (r"حدوداً", "about"), (r"تقریبا", "about"), (r"تقریباً", "about"), (r"دست کم", "at_least"),
    (r"دست‌کم", "at_least"), (r"حداقل", "at_least"), (r"کمتر از", "under"),
    # Hebrew (the number usually follows a hyphen: "יותר מ-1,500")
    (r"יותר מ-?", "over"), (r"כמעט", "nearly"), (r"לפחות", "at_least"), (r"כ-", "about"),
    # Chinese
    (r"超过", "over"), (r"超過", "over"), (r"逾", "over"), (r"近", "nearly"), (r"将近", "nearly"),
    (r"约", "about"), (r"大约", "about"), (r"至少", "at_least"), (r"多达", "up_to"),
]

# Articles that may stand between a qualifier and its number ("oltre il 3%", "más de los 500").
ARTICLES = r"(?:il|lo|la|le|l['’]|i|gli|el|los|las|the|der|die|das|den|les|os|as|o|a)\s"

# Qualifiers after the number (postpositions): Turkish "1.500'den fazla", Hindi "से अधिक".
QUALIFIERS_AFTER: list[tuple[str, str]] = [
    (r"(?:['’]?\w{0,4}\s+)?fazla", "over"), (r"(?:['’]?\w{0,4}\s+)?az", "under"),
    (r"से\s+(?:अधिक|ज़्यादा|ज्यादा)", "over"), (r"سے\s+(?:زائد|زیادہ)", "over"),
    (r"多", "over"), (r"余", "over"), (r"餘", "over"), (r"以上", "over"), (r"左右", "about"),
    (r"plus", "over"),
]

# Currency markers before the number (symbols and codes) -> ISO 4217 code.
CURRENCY_BEFORE: list[tuple[str, str]] = [
    # a dollar sign after letters names another country's dollar, or the Brazilian real ("R$ 2,5 milhões")
    (r"US\s?\$", "USD"), (r"AU?\$", "AUD"), (r"CA?\$", "CAD"), (r"HK\$", "HKD"), (r"NT\$", "TWD"),
    (r"NZ\$", "NZD"), (r"S\$", "SGD"), (r"MX\$", "MXN"), (r"R\$", "BRL"), (r"\$", "USD"), (r"NIS", "ILS"),
    (r"£", "GBP"), (r"€", "EUR"), (r"¥", "CNY"), (r"₹", "INR"), (r"₽", "RUB"), (r"₺", "TRY"),
    (r"₪", "ILS"), (r"Rs\.?", "INR"),
    (r"USD", "USD"), (r"EUR", "EUR"), (r"GBP", "GBP"), (r"CHF", "CHF"), (r"RMB", "CNY"),
]

# Currency markers after the number (and its scale word) -> ISO code.
CURRENCY_AFTER: list[tuple[str, str]] = [
    (r"\$", "USD"), (r"€", "EUR"), (r"£", "GBP"), (r"₽", "RUB"), (r"₺", "TRY"), (r"₪", "ILS"),
    (r"USD", "USD"), (r"EUR", "EUR"), (r"GBP", "GBP"),
    (r"dollars? canadiens?", "CAD"), (r"dollars? australiens?", "AUD"),
    (r"(?:US-)?dollars?", "USD"), (r"dólar(?:es)?", "USD"), (r"dollari", "USD"), (r"dolar\w*", "USD"),
    (r"доллар(?:ов|а|ы)?", "USD"), (r"долл\.?", "USD"), (r"долар(?:ів|а|и)?", "USD"),
    (r"دولار\w?", "USD"), (r"دلار\w?", "USD"),
    (r"ډالر\w*", "USD"), (r"دۆلار\w?", "USD"), (r"ڈالر", "USD"), (r"डॉलर", "USD"), (r"דולר", "USD"),
    (r"美元", "USD"),
    (r"euros?", "EUR"), (r"евро", "EUR"), (r"євро", "EUR"), (r"یورو", "EUR"), (r"يورو", "EUR"),
    (r"欧元", "EUR"),
    (r"pounds? sterling", "GBP"), (r"livres? sterling", "GBP"), (r"libras? esterlinas?", "GBP"),
    (r"sterline", "GBP"), (r"фунт(?:ов|а)? стерлингов", "GBP"), (r"britische pfund", "GBP"),
    (r"英镑", "GBP"), (r"جنيه إسترليني", "GBP"),
    (r"рубл(?:ей|я|ь)", "RUB"), (r"руб\.?", "RUB"), (r"reais", "BRL"), (r"TL", "TRY"),
    (r"грн\.?", "UAH"), (r"гривень|гривен|гривні|гривни|гривня", "UAH"), (r"جنيه مصري", "EGP"),
    (r"ريال سعودي", "SAR"),
    (r"(?:yuan|юаней|元|人民币)", "CNY"), (r"rupees?", "INR"),
    (r"روپے", "PKR"), (r"रुपये", "INR"), (r"लीरा", "TRY"), (r"lira(?:lık|ya|dan|yı|nın)?", "TRY"), (r"ریال", "IRR"),
    (r"افغان(?:ی|ۍ|یو|ئ)", "AFN"), (r"afghanis?", "AFN"),
    (r"تومان", "IRT"), (r"شيكل", "ILS"), (r"שקל(?:ים)?", "ILS"), (r"ש[\"״]ח", "ILS"), (r"NIS", "ILS"),
]

# Currency words that are also units of weight ("a 550 pound hog"): money only after a scale
# word ("120 million pounds"), where a weight is implausible.
CURRENCY_AFTER_SCALED: list[tuple[str, str]] = [
    (r"pounds?", "GBP"), (r"pfund", "GBP"), (r"livres?", "GBP"), (r"libras?", "GBP"), (r"фунт(?:ов|а)?", "GBP"),
    (r"پوند", "GBP"), (r"جنيه", "GBP"), (r"پاؤنڈ", "GBP"), (r"पाउंड", "GBP"), (r"sterlin", "GBP"),
]

# Abbreviated scales of French, Spanish and Italian business news, read only right before a currency
# ("10 M€", "3,5 Md€", "2 Mds d'euros", "50 k€", Spanish "2 mil M€" = 2,000 million): alone, "M" or "k"
# is a size, a grade or a name far too often.
ABBREVIATED_SCALES: list[tuple[str, int]] = [
    (r"mil\s?M", 10**9), (r"Mds?|Mrds?", 10**9), (r"M", 10**6), (r"k", 10**3), (r"Bio\.", 10**12),
]
# German "2,5 Bio. Euro" (Billionen) too: "Bio." alone may be the organic label
ABBREVIATED_CURRENCY = r"[€$£]|(?:d['’]\s?|de\s)(?:euros?|dollars?|dólares|livres|libras)|(?:Euro|Dollar|US-Dollar)\b"
# Abbreviated scales after a currency sign before the number: Brazilian "R$ 2,5 bi", "R$ 300 mi", "€ 3 M"
SPACED_SCALES_AFTER_CURRENCY: list[tuple[str, int]] = [
    (r"tri", 10**12), (r"bi", 10**9), (r"mi", 10**6), (r"Mds?|Md", 10**9), (r"M", 10**6),
]

# Percent: sign after the number, words after it, or markers before it (Turkish "%13", "yüzde 13").
PERCENT_AFTER = (
    r"[%％٪]|per\s?cent\b|percent\b|prozent\b|pour\s?cent\b|por\s?ciento\b|per\s?cento\b|percento\b"
    # British press "5.5pc": lowercase only, so "300 PCs" (personal computers) stays a count
    r"|por\s?cento\b|(?-i:pc)(?![^\W\d_])|процент\w*|відсот\w*|در[\s\u200c]?صد|بالمئة|بالمائة|في\s?المئة|في\s?المائة|فیصد\w*|سلنه|سلنې"
    r"|لەسەد|प्रतिशत|אחוז(?:ים)?"
)
PERCENT_BEFORE = r"(?:[%％٪]\s?|yüzde\s|لە\s?سەدا\s|%\s?)$"

# English-style scale letters glued to a currency amount: "$2m", "£1.5bn", "€10k".
GLUED_SCALES: dict[str, int] = {"k": 10**3, "m": 10**6, "bn": 10**9, "b": 10**9, "tn": 10**12}

# Ordinal suffixes glued to digits (English, French, Romance indicators).
ORDINAL_SUFFIX = r"(?:st|nd|rd|th|er|re|e|ème|eme|º|ª|°|\.º|\.ª|-й|-я|-е|-го|-ю|-м|ым|ий|ي|م|ەمین|ویں|वें|वीं|वाँ)"

# Words before a number saying it is a time of day ("at 11.15", "alle 15.00", "об 11.15").
TIME_CUES = (
    r"(?:at|um|alle|(?:alle|dalle|delle|entro\sle)\sore|à|a las|às|as|о|об|в|saat|ساعت|الساعة|בשעה|से|بجے)\s*$"
)

# The months of the solar hijri calendar (Iranian names, their Afghan Dari, Pashto and Sorani Kurdish
# names) and of the lunar hijri calendar: a 4-digit number after one is a year of that calendar.
HIJRI_MONTHS = (
    r"فروردین|اردیبهشت|خرداد|تیر|مرداد|امرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند"
    r"|ثور|جوزا|سنبله|سنبلې|عقرب|دلو|حوت"
    r"|وری|غویی|غويي|غبرګولی|غبرگولی|چنګاښ|چنگاښ|زمری|وږی|وږي|لړم|لیندۍ|مرغومی|مرغومي|سلواغه|کب"
    r"|خاکەلێوە|گوڵان|جۆزەردان|پووشپەڕ|گەلاوێژ|خەرمانان|ڕەزبەر|گەڵاڕێزان|سەرماوەز|بەفرانبار|ڕێبەندان|ڕەشەمە"
    r"|محرم|صفر|ربيع\sالأول|ربيع\sالآخر|ربيع\sالثاني|جمادى\sالأولى|جمادى\sالآخرة|رجب|شعبان"
    r"|رمضان|شوال|ذو\sالقعدة|ذو\sالحجة"
)

# Month names (stems), to tell day numbers (kind "date") from counts. Matched case-insensitively.
MONTHS = (
    r"jan(?:uary|vier|uar)?|feb(?:ruary|ruar)?|févr(?:ier)?|mar(?:ch|s|z|zo|ço)?|märz|apr(?:il|ile)?|avril"
    r"|abril|may|mai|mayo|maggio|maio|june?|juin|juni|junio|giugno|junho|july|juil(?:let)?|juli|julio|luglio"
    r"|julho|aug(?:ust)?|août|agosto|sept?(?:ember|embre|iembre)?|settembre|setembro|oct(?:ober|obre)?"
    r"|okt(?:ober)?|octubre|ottobre|outubro|nov(?:ember|embre|iembre)?|novembro|dec(?:ember)?|déc(?:embre)?"
    r"|dez(?:ember|embro)?|diciembre|dicembre|enero|gennaio|janeiro|febrero|febbraio|fevereiro"
    r"|январ\w*|феврал\w*|марта?|апрел\w*|ма[яй]|июн\w*|июл\w*|август\w*|сентябр\w*|октябр\w*|ноябр\w*"
    r"|декабр\w*|січ(?:ня|ень|ні)|лют(?:ого|ий|ому)|берез(?:ня|ень|ні)|квіт(?:ня|ень|ні)|трав(?:ня|ень|ні)"
    r"|черв(?:ня|ень|ні)|лип(?:ня|ень|ні)|серп(?:ня|ень|ні)|верес(?:ня|ень|ні)|жовт(?:ня|ень|ні)|листопад(?:а|і)?"
    r"|груд(?:ня|ень|ні)|ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık"
    r"|يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر"
    r"|ژانویه|فوریه|مارس|آوریل|مه|ژوئن|ژوئیه|اوت|سپتامبر|اکتبر|نوامبر|دسامبر|جنوری|فروری|مارچ|اپریل"
    r"|مئی|جون|جولائی|اگست|ستمبر|اکتوبر|نومبر|دسمبر|जनवरी|फरवरी|मार्च|अप्रैल|मई|जून|जुलाई|अगस्त|सितंबर"
    r"|अक्टूबर|नवंबर|दिसंबर|ינואר|פברואר|מרץ|אפריל|מאי|יוני|יולי|אוגוסט|ספטמבר|אוקטובר|נובמבר|דצמבר"
    r"|בינואר|בפברואר|במרץ|באפריל|במאי|ביוני|ביולי|באוגוסט|בספטמבר|באוקטובר|בנובמבר|בדצמבר"
    # the Levantine and Iraqi Arabic months (also in Sorani), then the hijri calendars' months
    r"|كانون\sالثاني|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين\sالأول|تشرين\sالثاني|كانون\sالأول"
    r"|کانوونی\sدووەم|شوبات|ئازار|نیسان|ئایار|حوزەیران|تەمموز|ئاب|ئەیلوول|تشرینی\sیەکەم|تشرینی\sدووەم"
    r"|کانوونی\sیەکەم|" + HIJRI_MONTHS
)

# Afghan months that are common words too ("سرطان" cancer, "میزان" amount, "اسد" a name, "تله" a trap):
# a month only between a day and a year ("۲۵ اسد ۱۴۰۰")
MONTHS_WITH_YEAR = r"حمل|سرطان|اسد|میزان|قوس|جدی|تله"

# After a 4-digit year of the hijri calendars: "1445 هـ", "۱۴۰۱ ه‍.ش", "۱۳۵۷ خورشیدی".
YEAR_AFTER = r"\s?(?:کال|هـ|ه‍?\.\s?[شق]|هجری|هجرية|خورشیدی|شمسی|قمری|ش\.|ق\.)"

# Words before a 4-digit number that make it a year ("in 2017", "seit 2010", "سال ۲۰۱۷").
YEAR_CUES = (
    r"(?:in|since|by|until|from|year|im|seit|bis|jahr|en|depuis|desde|dal|nel|del|em|no|de|в|с|до|году"
    r"|року|році|سال|سنة|عام|في|שנת|ב-|साल|سن)\s*$"
)

# Function words that are never the counted noun.
UNIT_STOPWORDS = frozenset({
    "of", "the", "a", "an", "and", "or", "to", "in", "on", "at", "for", "by", "from", "with", "than",
    "de", "des", "du", "la", "le", "les", "el", "los", "las", "del", "di", "da", "dei", "degli",
    "delle", "do", "dos", "das", "em", "no", "na", "und", "der", "die", "den", "dem", "von", "mit",
    "für", "im", "am", "zu", "и", "в", "на", "с", "по", "из", "от", "для", "что", "و", "في", "من",
    "على", "به", "از", "در", "را", "با", "که", "تا", "ve", "ile", "bir", "için", "של", "את", "על", "עם",
    "ב", "ל", "ה", "के", "की", "का", "में", "से", "को", "और", "کے", "کی", "کا", "میں", "سے", "کو",
    "اور", "per", "cent", "percent", "was", "were", "is", "are", "has", "have", "had", "will", "would",
    "be", "been", "ist", "sind", "war", "waren", "wurden", "est", "sont", "était", "fue", "es", "son", "è",
    "sono", "foi", "são", "был", "были", "було", "است", "بود", "كان", "هو",
    # conjunctions ("1,5 et 2 milliards": "et" is not what 1,5 counts)
    "et", "ou", "oder", "y", "o", "e", "ed", "или", "і", "або", "та", "veya", "یا", "او", "או", "या",
})

# Words that name the number after them instead of counting with it: "Resolution 2231", "Article 5",
# "Flight 370", "la saison 4", "статья 282", "قطعنامه ۲۲۳۱", "المادة 5". Such a number is a label
# (kind "identifier"): repeated across outlets it is a reference, not a claim. "Number" is left out
# ("the number 1,500" is the figure itself).
LABEL_WORDS = frozenset("""
    article articles resolution section chapter clause paragraph amendment proposition rule season episode
    flight route highway interstate phase level stage round game part volume vol vol. category class grade
    type model version room gate terminal platform channel line ward title apollo windows iphone radio
    district page
    résolution chapitre alinéa saison épisode ligne niveau étape catégorie salle
    artikel absatz paragraf kapitel staffel folge flug linie stufe runde etappe kategorie gleis
    artículo resolución capítulo temporada episodio vuelo línea fase nivel ronda categoría apartado
    artigo resolução episódio voo linha nível rodada categoria articolo risoluzione capitolo stagione
    linea livello tappa comma
    статья статьи статье статью статьей резолюция резолюции резолюцию резолюцией глава главы главе
    пункт пункта пункте пункту сезон сезона сезоне рейс рейса рейсу линия линии линию линией этап этапа этапе
    стаття статті статтею резолюція резолюції резолюцію розділ розділу розділі етап етапу етапі
    ماده قطعنامه قطعنامهٔ اصل بند فاز پرواز المادة مادة القرار قرار الفصل البند الرحلة رحلة
    סעיף החלטה החלטת טיסה טיסת آرٹیکل قرارداد دفعہ अनुच्छेद धारा
""".split())  # noqa: SIM905 - a list literal of 170 words would be unreadable
