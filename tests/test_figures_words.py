"""Figures written as number words: Chinese numerals and Arabic/Urdu number words.

Translations spell out numbers that the English original writes in digits (ages, hours, decades);
small numbers (one to nine) stay unread because English spells them out too.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.figures import extract_figures
from monitor.figures._words import roman_value, word_spans, zh_value

# pieces of number words in every script the word rules read, with case traps ("İ", "ſ")
_PIECES = ["十", "二", "万", "零", "点", "分", "半", "下午", "月", "年代", "百分之", "〇", "第", "几",
           "عشر", "ثلاثة", "و", "العشرين", "ينيات", "القرن", "چوبیس", "ے", "چهل", "مین", "ە", "ی",
           "څلویښت", "ښ", "یو ", "دیرش", "مليوني", "ألفين", "tres", "de la tarde", "às", "três", "İ", "ſ",
           "ieben", "Uhr abends",
           "quarantaine d'années", "in den Vierzigern", " ", "\u200c", "3", "12", ".", ",",
           "yüzde ", "п’ять", "п'ять", " відсотків", "מאתיים", "אלפיים", "שלושת", " אלפים", " ו", "חמש מאות",
           "בשנת ", "时", "傍晚", "half a ", "demi-", "million", "پол", "نیم ", "میلیون", "ربع ", "شهریور",
           " اسد ", "۱۴۰۱", " هـ", "د ", "كانون الثاني", "m people", "2.5", ", ", " and ", "uno de ", "octubre",
           "اول ", "اکتبر", "п’ять ", "травня", "premier "]


def _values(text: str) -> list[tuple[float, str]]:
    return [(f.value, f.kind) for f in extract_figures(text)]


@pytest.mark.parametrize(("run", "value"), [
    ("十五", 15), ("三十", 30), ("两百五十", 250), ("三万五千", 35000), ("一百零五", 105),
    ("二〇一八", 2018), ("五亿", 500000000), ("十二万三千四百五十六", 123456),
])
def test_chinese_numeral_values(run: str, value: int) -> None:
    assert zh_value(run) == value


def test_chinese_afternoon_hour_in_words_is_a_time() -> None:
    assert _values("周四下午三点，切尔西队将在伦敦迎战维迪奥顿队。") == [(15.0, "time")]


def test_chinese_half_past_is_a_time() -> None:
    assert _values("比赛将于晚上七点半开始。") == [(19.5, "time")]


def test_chinese_month_in_words_is_not_a_figure_but_the_day_is() -> None:
    assert _values("联系时请引述九月三十日的第 247 号日志。") == [(30.0, "date"), (247.0, "count")]


def test_chinese_day_in_words_after_a_month_is_a_date() -> None:
    assert _values("会议定于三月五日在北京举行。") == [(5.0, "date")]


def test_chinese_december_is_a_month_not_twelve() -> None:
    assert _values("十二月的销售额有所下降。") == []


def test_chinese_decade_in_words_is_a_year() -> None:
    assert _values("上世纪八十年代，他在卡内基梅隆大学开发了一个系统。") == [(1980.0, "year")]


def test_chinese_percent_in_words() -> None:
    assert _values("百分之三十五的受访者表示反对。") == [(35.0, "percent")]


def test_chinese_year_written_digit_by_digit() -> None:
    assert _values("二〇一八年，该公司宣布破产。") == [(2018.0, "year")]


def test_chinese_large_count_in_words() -> None:
    assert _values("大约三万五千人参加了游行。") == [(35000.0, "count")]


def test_chinese_small_numbers_and_idioms_stay_unread() -> None:
    assert _values("周六，航空公司表示，仍有六名乘客在医院接受治疗，这十分重要，万一出事。") == []


def test_chinese_word_spans_index_the_input() -> None:
    text = "他在二十四岁时离开了家乡。"
    (fig,) = extract_figures(text)
    assert (fig.value, text[fig.start:fig.end]) == (24.0, "二十四")


def test_digits_with_chinese_scale_still_read() -> None:
    assert [f.value for f in extract_figures("价值110亿美元的管道")] == [11_000_000_000.0]


def test_arabic_teen_age_in_words() -> None:
    assert _values("كان ابنها في سن الثالثة عشر عندما بدأ يعاني من الاكتئاب.") == [(13.0, "count")]


def test_arabic_tens_with_a_prefix_in_words() -> None:
    assert _values("تزوج العام الماضي من مخرج أكبر منه بعشرين عامًا.") == [(20.0, "count")]


def test_arabic_compound_ordinal_in_words() -> None:
    assert _values("احتل المركز السابع في يوم عيد مولده الحادي والعشرين.") == [(21.0, "count")]


def test_arabic_small_numbers_stay_unread() -> None:
    assert _values("توفي والده بسبب السرطان بعد ثلاث سنوات.") == []


def test_arabic_decade_in_words_is_a_year() -> None:
    assert _values("حضروا حفلة خلال فترة دراستهم في الجامعة في الثمانينيات.") == [(1980.0, "year")]


def test_arabic_decade_of_the_twentieth_century_is_one_figure() -> None:
    assert _values("عمل في ثمانينيات القرن العشرين في جامعة كارنيغي ميلون.") == [(1980.0, "year")]


def test_arabic_dual_of_million_is_two_million() -> None:
    assert _values("تعهدت بأنها لن تدخل السباق ما لم تجمع مليوني دولار.") == [(2_000_000.0, "count")]


def test_arabic_definite_dual_of_thousand_names_the_year_2000_and_stays_unread() -> None:
    assert _values("بدأت الشراكة في مطلع الألفين.") == []


def test_urdu_age_in_words() -> None:
    text = "اکتالیس سالہ ویسٹ کا عرف کچھ عرصے سے یہ ہے۔"
    (fig,) = extract_figures(text)
    assert (fig.value, text[fig.start:fig.end]) == (41.0, "اکتالیس")


def test_urdu_number_words_are_not_read_in_arabic_text() -> None:
    # "باون" is 52 in Urdu but a transliterated name in Arabic ("Pawn Stars")
    assert _values("تحدث مبدع برنامج \"باون ستارز\" عن الفيلم.") == []


def test_persian_compound_ordinal_in_words() -> None:
    assert _values("او در نهایت در چهل و چهارمین دور وارد پیت استاپ شد.") == [(44.0, "count")]


def test_persian_teen_in_words() -> None:
    assert _values("پانزده نفر در این حادثه زخمی شدند.") == [(15.0, "count")]


def test_persian_small_numbers_and_lookalike_words_stay_unread() -> None:
    # "ده" is ten but also "village" and "(I) give"; "هشت" (eight) is small
    assert _values("اگر فرصت بود ابتکار به خرج دهم و در هشت دور باقیمانده بهتر بودم.") == []


def test_kurdish_verb_that_looks_like_persian_twentieth_is_not_a_figure() -> None:
    assert _values("\"بیستم هاوسەرەکەم داوای یارمەتی دەکات\"") == []


@pytest.mark.parametrize(("text", "hour"), [
    ("O Liverpool defronta o Napoli às três da tarde de quarta-feira, no Estádio San Paolo.", 15.0),
    ("A las dos de la tarde, había dos furgonetas de policía dentro del cordón.", 14.0),
    ("Il Chelsea affronta il Videoton alle tre del pomeriggio di giovedì a Londra.", 15.0),
    ("À deux heures de l'après-midi, deux fourgons de police se trouvaient à l'intérieur.", 14.0),
    ("Матч начнётся в три часа дня по местному времени.", 15.0),
])
def test_hour_in_words_with_a_part_of_the_day_is_a_time(text: str, hour: float) -> None:
    assert _values(text) == [(hour, "time")]


def test_number_word_before_a_day_word_is_a_duration_not_a_time() -> None:
    assert _values("Они заработали за последние два дня больше очков, чем соперники.") == []
    assert _values("Foi atacado depois de uma noite na cidade.") == []


@pytest.mark.parametrize(("text", "age"), [
    ("La victime, âgée d’une quarantaine d’années, se trouvait dans la région.", 40.0),
    ("La vittima, un quarantenne, si trovava nella zona di Oxford Grove.", 40.0),
    ("A vítima, um homem na casa dos quarenta anos, estava na zona.", 40.0),
    ("Das Opfer, ein Mann in den Vierzigern, befand sich im Gebiet Oxford Grove.", 40.0),
])
def test_age_given_by_its_decade_in_words(text: str, age: float) -> None:
    assert _values(text) == [(age, "count")]


def test_pashto_teen_before_percent_in_words() -> None:
    assert _values("په لندن کې دیارلس سلنه نوي کورونه د بهرنیانو لخوا اخېستل شوي.") == [(13.0, "count")]


def test_pashto_unit_before_tens_in_words() -> None:
    # Pashto puts the unit first: "یو دیرش" is thirty-one
    assert _values("یو دیرش کلن وویل، دا نومرې موږ لپاره مهمې وې.") == [(31.0, "count")]


def test_pashto_age_decade_in_words() -> None:
    assert _values("قرباني شوی کس د خپل عمر په څلویښتمو کې و.") == [(40.0, "count")]


def test_kurdish_age_decade_in_words() -> None:
    assert _values("قوربانییەکە، لە چلەکانی تەمەنیەتی، لە ناوچەی ئۆکسفۆرد گرۆڤ بوو.") == [(40.0, "count")]


def test_spelled_out_acronym_letter_is_not_thirty() -> None:
    assert _values("لە وتووێژ لەگەڵ سی ئێن بی سی وتی.") == []


def test_chinese_hour_with_minutes_in_words_is_a_time_without_a_part_of_the_day() -> None:
    assert _values("比赛于三点十五分开始。") == [(3.25, "time")]


def test_chinese_points_of_a_plan_are_not_a_time() -> None:
    assert _values("他提出了三点建议。") == []


@pytest.mark.parametrize("apostrophe", ["'", "\u2019", "\u02bc"])
def test_a_number_word_reads_the_same_with_any_apostrophe(apostrophe: str) -> None:
    # "yüzde" (Turkish percent-first) followed by a word spelled with a typographic apostrophe
    # once raised out of extract_figures instead of reading it
    assert _values(f"yüzde п{apostrophe}ять, 1,500") == [(5.0, "percent"), (1500.0, "count")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_number_word_spans_index_the_input_and_never_raise(text: str) -> None:
    for sp in word_spans(text):
        assert 0 <= sp.start < sp.end <= len(text)
    for fig in extract_figures(text):
        assert fig.raw == text[fig.start:fig.end]


def test_case_folded_letters_do_not_break_hour_words() -> None:
    # "İ".lower() is two characters, so a plain dict lookup of the matched word would fail
    assert _values("às dİecİ da tarde") == [(22.0, "time")]


@pytest.mark.parametrize(("text", "value"), [
    ("La catedral fue terminada en el siglo XIX por arquitectos locales.", 19),
    ("Le château date du XVIIIe siècle.", 18),
    ("Il palazzo fu costruito nel XV secolo.", 15),
    ("Город сильно вырос в XX веке.", 20),
])
def test_a_century_in_roman_numerals_is_an_ordinal(text: str, value: int) -> None:
    assert _values(text) == [(float(value), "ordinal")]


def test_a_roman_numeral_without_a_century_word_is_a_name() -> None:
    assert _values("Luis XIV construyó Versalles.") == []


def test_a_decade_of_a_century_is_one_year() -> None:
    assert _values("La iglesia cerró en los años 30 del siglo XX.") == [(1930.0, "year")]


@pytest.mark.parametrize(("numeral", "value"), [("XIX", 19), ("XIV", 14), ("XL", 40), ("IIII", None), ("VX", None)])
def test_roman_values_accept_only_well_formed_numerals(numeral: str, value: int | None) -> None:
    assert roman_value(numeral) == value


def test_persian_hundredth_in_words_is_an_ordinal() -> None:
    assert _values("شهر صدمین سالگرد تأسیس دانشگاه را جشن گرفت.") == [(100.0, "ordinal")]


def test_persian_hundreds_are_counts_but_bare_sad_is_not() -> None:
    assert _values("دویست نفر در مراسم بودند و صد سال از آن گذشته است.") == [(200.0, "count")]


def test_persian_percent_written_in_two_words() -> None:
    assert _values("۲۰ در صد رأی‌دهندگان شرکت نکردند.") == [(20.0, "percent")]


@pytest.mark.parametrize(("text", "value"), [
    ("The appeal raised six million dollars in a week.", 6_000_000),
    ("Sept autres millions de personnes attendent une aide.", 7_000_000),
    ("El proyecto costará tres mil millones de euros.", 3_000_000_000),
    ("Im Land leben noch sieben Millionen Menschen.", 7_000_000),
    ("В городе живут пять миллионов человек.", 5_000_000),
    ("يعيش خمسة ملايين شخص في المدينة.", 5_000_000),
    ("حدود پنج میلیون نفر در این شهر زندگی می‌کنند.", 5_000_000),
    ("Twenty thousand fans filled the stadium.", 20_000),
])
def test_a_number_word_before_a_scale_word_is_a_figure(text: str, value: int) -> None:
    assert _values(text) == [(float(value), "count")]


def test_turkish_number_word_before_mil_is_miles() -> None:
    assert _values("Kaza yerinden bir mil uzakta bulundu.") == []


@pytest.mark.parametrize(("text", "value"), [
    ("בבית החולים אושפזו שבעה עשר פצועים.", 17),
    ("בתחרות השתתפו עשרים ושלושה רצים.", 23),
    ("המשטרה אמרה שארבעה עשר אנשים נעצרו.", 14),
    ("मैच में बत्तीस खिलाड़ियों ने हिस्सा लिया।", 32),
])
def test_hebrew_and_hindi_number_words_from_eleven_up(text: str, value: int) -> None:
    assert _values(text) == [(float(value), "count")]


def test_hebrew_number_inside_a_longer_word_is_not_read() -> None:
    assert _values("חבר המושבעים הכריע את הדין.") == []


@pytest.mark.parametrize("text", [
    "Sales of wine fell by four per cent last month.",
    "Les ventes ont reculé de quatre pour cent.",
    "Продажи упали на четыре процента за месяц.",
    "فروش شراب چهار درصد کاهش یافت.",
    "המכירות ירדו בארבעה אחוזים בחודש שעבר.",
    "शराब की बिक्री में चार प्रतिशत की गिरावट आई।",
    "Şarap satışları geçen ay yüzde dört düştü.",
    "فرۆشتنی شەراب لە سەدا چوار دابەزی.",
])
def test_a_number_word_with_a_percent_word_is_a_percent(text: str) -> None:
    assert _values(text) == [(4.0, "percent")]


def test_kurdish_percent_before_digits_is_a_percent() -> None:
    assert _values("نرخەکان لە سەدا ٢.٧ بەرز بوونەوە.") == [(2.7, "percent")]


@pytest.mark.parametrize("text", ["Ela disse estar cem por cento segura.", "Tanığın yüzde yüz emin olduğu görüldü.",
                                  "او صد درصد مطمئن بود."])
def test_hundred_per_cent_in_words_is_a_percent(text: str) -> None:
    assert _values(text) == [(100.0, "percent")]


def test_hundred_before_a_scale_word_is_not_read_as_one_hundred_million() -> None:
    assert 100_000_000.0 not in [v for v, _ in _values("Le projet coûte trois cent millions d'euros.")]


@pytest.mark.parametrize(("text", "hour"), [
    ("新闻发布会于下午3点30分开始。", 15.5),
    ("列车于下午3时30分抵达北京西站。", 15.5),
    ("凌晨2点15分，当地发生5.1级地震。", 2.25),
    ("会议定于上午10点召开。", 10.0),
    ("晚上8点，烟花表演准时开始。", 20.0),
    ("傍晚6点，商场开始促销。", 18.0),
    ("比赛于下午3点半开球。", 15.5),
])
def test_chinese_clock_time_with_digits_is_one_time(text: str, hour: float) -> None:
    times = [(f.value, f.kind) for f in extract_figures(text, "zh") if f.kind in ("time", "count")]
    assert times[0] == (hour, "time")
    assert (30.0, "count") not in times and (15.0, "count") not in times


@pytest.mark.parametrize(("text", "value"), [
    ("מאתיים איש הפגינו אמש מול הכנסת.", 200),
    ("כמאתיים מפגינים נעצרו במהלך הלילה.", 200),
    ("אלפיים איש השתתפו בעצרת בכיכר.", 2000),
    ("שלוש מאות עובדים פוטרו מהמפעל.", 300),
    ("שלושת אלפים איש נמלטו מהעיר.", 3000),
    ("שלושת אלפים וחמש מאות חיילים גויסו.", 3500),
])
def test_hebrew_hundreds_and_thousands_in_words(text: str, value: int) -> None:
    assert _values(text) == [(float(value), "count")]


def test_hebrew_two_hundred_before_a_scale_word_is_scaled() -> None:
    assert [f.value for f in extract_figures("הממשלה אישרה מאתיים מיליון שקל לתוכנית.")] == [200_000_000.0]


def test_hebrew_year_two_thousand_in_words_is_a_year() -> None:
    assert _values("בשנת אלפיים נפתח המוזיאון לקהל.") == [(2000.0, "year")]


def test_chinese_end_of_an_afternoon_span_of_hours_is_afternoon_too() -> None:
    assert _values("下午3点到5点，市政府召开新闻发布会。") == [(15.0, "time"), (17.0, "time")]


@pytest.mark.parametrize(("text", "low", "high"), [
    ("Between two and three million people fled the fighting.", 2e6, 3e6),
    ("Deux ou trois millions de personnes ont manifesté.", 2e6, 3e6),
    ("Entre dos y tres millones de personas viven en la capital.", 2e6, 3e6),
    ("Zwei bis drei Millionen Menschen sind betroffen.", 2e6, 3e6),
    ("От двух до трех миллионов человек покинули страну.", 2e6, 3e6),
    ("بين ثلاثة وأربعة ملايين شخص نزحوا.", 3e6, 4e6),
    ("בין שלושה לארבעה מיליון איש השתתפו.", 3e6, 4e6),
])
def test_a_range_of_number_words_shares_the_scale_word(text: str, low: float, high: float) -> None:
    assert [f.value for f in extract_figures(text)] == [low, high]


@pytest.mark.parametrize(("text", "lang", "value"), [
    ("Nearly half a million people have fled the fighting since March.", "en", 5e5),
    ("Près d'un demi-million de personnes ont fui les combats depuis mars.", "fr", 5e5),
    ("Eine halbe Million Menschen ist seit März vor den Kämpfen geflohen.", "de", 5e5),
    ("Medio millón de personas ha huido de los combates desde marzo.", "es", 5e5),
    ("Meio milhão de pessoas fugiu dos combates desde março.", "pt", 5e5),
    ("Mezzo milione di persone è fuggito dai combattimenti da marzo.", "it", 5e5),
    ("С марта от боёв бежали полмиллиона человек.", "ru", 5e5),
    ("З березня від боїв утекли півмільйона людей.", "uk", 5e5),
    ("Mart ayından bu yana yarım milyon kişi çatışmalardan kaçtı.", "tr", 5e5),
    ("از ماه مارس نیم میلیون نفر از درگیری‌ها گریخته‌اند.", "fa", 5e5),
    ("فر نصف مليون شخص من القتال منذ مارس.", "ar", 5e5),
    ("חצי מיליון איש נמלטו מהלחימה מאז מרץ.", "he", 5e5),
    ("The project cost half a billion dollars.", "en", 5e8),
    ("A quarter of a million people marched in the capital on Sunday.", "en", 2.5e5),
    ("Eine Viertelmillion Menschen demonstrierte am Sonntag.", "de", 2.5e5),
    ("ربع مليون لاجئ عبروا الحدود.", "ar", 2.5e5),
])
def test_half_or_a_quarter_of_a_scale_word_is_a_figure(text: str, lang: str, value: float) -> None:
    assert [f.value for f in extract_figures(text, lang)] == [value]


@pytest.mark.parametrize("text", [
    "He spoke on behalf a million times, it seemed.",
    "The half of millions of voters who stayed home.",
])
def test_half_inside_another_phrase_is_no_figure(text: str) -> None:
    assert extract_figures(text, "en") == []


@pytest.mark.parametrize(("text", "lang"), [
    ("Bolivia espera el fallo del tribunal para el uno de octubre, tras cinco años de deliberaciones.", "es"),
    ("بولیوی در اول اکتبر منتظر حکم دادگاه بین‌المللی است.", "fa"),
    ("تنتظر بوليفيا قرارًا من المحكمة في الأول من أكتوبر.", "ar"),
    ("Суд оголосить рішення перше жовтня.", "uk"),
    ("La manifestation est prévue le premier mars à Paris.", "fr"),
])
def test_a_day_in_words_before_its_month_is_a_date(text: str, lang: str) -> None:
    assert [(f.value, f.kind) for f in extract_figures(text, lang)] == [(1.0, "date")]


@pytest.mark.parametrize(("text", "lang"), [
    ("Le 3 mars, un mars pluvieux a noyé les récoltes.", "fr"),  # "un" is the article
    ("The talks resumed on June 3 in Geneva.", "en"),  # "on" is Turkish ten, not here
])
def test_an_article_before_a_month_is_no_day(text: str, lang: str) -> None:
    assert [(f.value, f.kind) for f in extract_figures(text, lang)] == [(3.0, "date")]


@pytest.mark.parametrize(("text", "lang"), [
    ("El conflicto dura ya 3 décadas.", "es"),  # not "déc(embre)"
    ("На парковці стояли 3 червоних машини.", "uk"),  # red, not June ("червня")
])
def test_a_word_that_starts_like_a_month_is_no_month(text: str, lang: str) -> None:
    assert [(f.value, f.kind) for f in extract_figures(text, lang)] == [(3.0, "count")]
