"""A labelled set of rendered document pages, scored by bench/accuracy.py's ``run`` unchanged.

    /usr/bin/python3 bench/docset.py generate /tmp/docset                     # 48 pages + labels.json (python3-pil)
    /usr/bin/python3 bench/docset.py generate /tmp/docset --seed 7 --pages 96 --rotate --pdf /tmp/docpdf/docset.pdf
    /usr/bin/python3 bench/accuracy.py run /tmp/docset --config v4="--ocr_version PP-OCRv4"
    /usr/bin/python3 bench/accuracy.py run /tmp/docset/rotated --config v4="--ocr_version PP-OCRv4 --use_doc_orientation_classify True"
    /usr/bin/python3 bench/accuracy.py run /tmp/docpdf --config v4="--ocr_version PP-OCRv4"

Pages are A4 at 144 DPI (1190x1684 px, as PaddleOCR renders PDFs), or crops of such pages cut between lines
(about a quarter of them), with margins, headings, wrapped (sometimes justified) paragraphs, one to three columns,
running headers and page numbers. Fonts are Debian's (fonts-dejavu-core, fonts-liberation2, fonts-freefont-ttf,
fonts-noto-cjk under /usr/share/fonts; missing ones are skipped, fonts lacking a page's characters are not picked);
each page records its body font. Kinds, in equal shares (page i has kind i mod 8):

* latin_accents: two to four sections in French, German, Spanish, Portuguese, Italian, Polish, Czech, Turkish,
  Danish/Norwegian, with typographic quotes, en/em dashes and ellipses.
* ligatures: English dense in fi/fl/ff/ffi in a font that Pillow (libraqm) renders with ligatures; some paragraphs
  also literally contain U+FB01/U+FB02. Labels always carry the decomposed letters ("fi", "fl"): a reader that
  outputs "fi" for either is right, one that outputs U+FB01 is counted wrong.
* chinese: simplified Chinese paragraphs (some traditional ones, in the TC face) with full-width punctuation.
* mixed: Chinese, English and digits in the same lines (specs, dates, prices ¥1,299.00, model numbers).
* table: a ruled table (full grid, sometimes horizontal rules only) with a header row; one label per text line
  of each cell; English or Chinese.
* small_print: dense Latin footnotes / terms at an x-height of 9-10 px, in two or three columns.
* scanned: a page of one of the other kinds (``source_kind``, in turn), turned by up to +-1.5 degrees, with uneven
  illumination, a grey background, blur, noise, and saved as JPEG.
* vertical_cjk: columns of Chinese characters stacked top to bottom, columns right to left (punctuation drawn
  with its vertical presentation form, labelled with the ordinary character); each column is one label.

Labels (``labels.json``, the format of bench/accuracy.py / bench/ocr_metrics.py): per image ``file``, ``kind``,
``width``, ``height``, details (``font``, ``size``, ...) and ``lines`` = [{"text", "poly"}], where ``poly`` is
the tight box of the line's rendered ink (any pixel of its mask), clockwise from the text's top-left as read:
[[x0, y0], [x1, y0], [x1, y1], [x0, y1]] in pixel-edge coordinates for upright lines, carried through any rotation
(scanned pages, rotated copies) with the point order kept. Vertical columns use the same upright order (top-left
first; see ``--vertical-poly``): ocr_metrics orders the pieces of a split line along poly[0] -> poly[1], so with
this order the pieces of a column split in two are joined in left-to-right order of their centres, which is
arbitrary for a column; ``--vertical-poly reading`` starts at the top-right corner instead (top edge =
top-to-bottom, as a column turned 90 degrees clockwise to read it), which orders those pieces by y.

``--rotate`` also writes every page turned counter-clockwise by 90, 180 and 270 degrees into OUT_DIR/rotated
(``<name>_r90.png`` ...), with its own labels.json: same texts, polygons moved into the turned image (same point
order, so they start at the text's top-left as read); kinds there are rot90/rot180/rot270, the page's kind in
``source_kind``. ``--pdf OUT.pdf`` writes all upright pages into one PDF (page size = image size at 144 DPI, so
hpocr's 144-DPI rendering gives the same pixel grid; images stored as JPEG, quality 95, 4:4:4), and, unless another set's
labels.json is there, a labels.json next to it whose ``file`` names end with the stem hpocr gives page i
(``<pdf stem>_<i>``), so accuracy.py can score the PDF's directory (keep nothing else there).
"""

import argparse
import importlib.util
import json
import math
import os
import random
import re
import sys

GENERATOR_VERSION = 1
FONT_ROOT = "/usr/share/fonts"
WIDTH, HEIGHT = 1190, 1684  # A4 at 144 DPI

# ---------------------------------------------------------------------------------------------------- fonts
# (regular, bold) by family; paths under FONT_ROOT.
LATIN_FAMILIES = [
    ("truetype/dejavu/DejaVuSans.ttf", "truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("truetype/dejavu/DejaVuSerif.ttf", "truetype/dejavu/DejaVuSerif-Bold.ttf"),
    ("truetype/dejavu/DejaVuSansCondensed.ttf", "truetype/dejavu/DejaVuSansCondensed-Bold.ttf"),
    ("truetype/dejavu/DejaVuSerifCondensed.ttf", "truetype/dejavu/DejaVuSerifCondensed-Bold.ttf"),
    ("truetype/liberation2/LiberationSans-Regular.ttf", "truetype/liberation2/LiberationSans-Bold.ttf"),
    ("truetype/liberation2/LiberationSerif-Regular.ttf", "truetype/liberation2/LiberationSerif-Bold.ttf"),
    ("truetype/liberation2/LiberationSerif-Italic.ttf", "truetype/liberation2/LiberationSerif-Bold.ttf"),
    ("truetype/freefont/FreeSans.ttf", "truetype/freefont/FreeSansBold.ttf"),
    ("truetype/freefont/FreeSerif.ttf", "truetype/freefont/FreeSerifBold.ttf"),
]
CJK_FAMILIES = [
    ("opentype/noto/NotoSansCJK-Regular.ttc", "opentype/noto/NotoSansCJK-Bold.ttc"),
    ("opentype/noto/NotoSerifCJK-Regular.ttc", "opentype/noto/NotoSerifCJK-Bold.ttc"),
]
_FONTS, _GLYPHS = {}, {}


def exists(name):
    return os.path.exists(os.path.join(FONT_ROOT, name))


def load_font(name, size, face="SC"):
    """The font at FONT_ROOT/name in ``size`` px; of a CJK collection, the face whose name ends with ``face``."""
    from PIL import ImageFont
    key = (name, size, face)
    if key not in _FONTS:
        path = os.path.join(FONT_ROOT, name)
        font = None
        if name.endswith(".ttc"):
            for index in range(10):
                try:
                    candidate = ImageFont.truetype(path, size, index=index)
                except OSError:
                    break
                if candidate.getname()[0].endswith(" " + face):
                    font = candidate
                    break
        _FONTS[key] = font or ImageFont.truetype(path, size)
    return _FONTS[key]


def _render(font, text):
    from PIL import Image, ImageDraw
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("L", (max(1, right - left) + 4, max(1, bottom - top) + 4))
    ImageDraw.Draw(image).text((2 - left, 2 - top), text, font=font, fill=255)
    return image.tobytes()


def covers(name, text, face="SC"):
    """Whether the font has a glyph for every non-space character of ``text`` (none renders as .notdef)."""
    font = load_font(name, 24, face)
    notdef = _GLYPHS.setdefault((name, face, None), _render(font, "\U000E0FFF"))
    for ch in set(text):
        if ch.isspace():
            continue
        key = (name, face, ch)
        if key not in _GLYPHS:
            _GLYPHS[key] = _render(font, ch) != notdef
        if not _GLYPHS[key]:
            return False
    return True


def renders_ligatures(name):
    """Whether "fi" comes out as the font's U+FB01 glyph (libraqm shaping with the font's liga feature)."""
    font = load_font(name, 40)
    return covers(name, "\uFB01") and _render(font, "fi") == _render(font, "\uFB01")


def pick_family(rng, families, text="", face="SC", need=None):
    """A (regular, bold) family whose regular face is installed, covers ``text`` and passes ``need``."""
    usable = [f for f in families if exists(f[0]) and covers(f[0], text, face) and (need is None or need(f[0]))]
    if not usable:
        sys.exit(f"no usable font under {FONT_ROOT} for this page (apt-get install fonts-dejavu-core "
                 "fonts-liberation2 fonts-freefont-ttf fonts-noto-cjk)")
    regular, bold = rng.choice(usable)
    return regular, bold if exists(bold) else regular


# ---------------------------------------------------------------------------------------------------- text

LANGS = {
    "fr": ("Français", ["Mode d'emploi", "Consignes de sécurité", "Informations pratiques", "Présentation"], [
        "« La réunion du conseil municipal est reportée à jeudi prochain », a annoncé la mairie.",
        "Le défi, c'est de garantir l'accès à l'eau potable à chaque foyer d'ici 2030.",
        "Après trois années de travaux, la bibliothèque rouvre ses portes au public — enfin !",
        "Les élèves ont présenté leurs projets devant un jury très exigeant.",
        "Il faudrait peut-être revoir l'ordre du jour… ou le raccourcir.",
        "Où avez-vous rangé les clés de la salle polyvalente ?",
        "Le maître d'œuvre a confirmé que le chantier serait achevé fin août.",
        "Ce château du seizième siècle accueille désormais un musée d'art naïf.",
        "Noël approche : les marchés s'illuminent et l'on déguste du vin chaud.",
        "L'hôpital recrute des infirmières et des aides-soignants pour l'été.",
        "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
        "Le cœur du problème reste la dépendance aux énergies fossiles.",
        "« Ça ne coûte rien d'essayer », répétait souvent ma grand-mère.",
        "Les prévisions annoncent des averses orageuses sur la côte bretonne.",
        "Le coût total s'élève à 1 250 € – hors taxes, bien entendu.",
        "La navette dessert L'Haÿ-les-Roses toutes les vingt minutes, même le dimanche.",
        "Une sœur aînée, très dévouée, s'occupait de la boulangerie familiale.",
    ]),
    "de": ("Deutsch", ["Bedienungsanleitung", "Sicherheitshinweise", "Öffnungszeiten", "Über uns"], [
        "Die Straßenbahn fährt ab nächster Woche wieder im Zehn-Minuten-Takt.",
        "„Wir müssen über die Zukunft der Großstädte sprechen“, sagte die Bürgermeisterin.",
        "Bitte beachten Sie die geänderten Öffnungszeiten während der Feiertage.",
        "Die Gebühren für Übernachtungen in Jugendherbergen steigen um 4,5 %.",
        "Im Frühjahr blühen im Schlossgarten über dreihundert verschiedene Rosensorten.",
        "Könnten Sie mir bitte die Unterlagen bis Freitag zuschicken?",
        "Der Zug nach München hat voraussichtlich zwanzig Minuten Verspätung.",
        "Für Rückfragen stehen wir Ihnen gerne zur Verfügung – rufen Sie uns einfach an.",
        "Die Ausstellung „Licht und Schatten“ ist bis Ende Mai verlängert worden.",
        "Grüße aus Köln, wo es heute ausnahmsweise nicht regnet.",
        "Die Mitarbeiterinnen und Mitarbeiter erhalten ab Januar einen Zuschuss zum Jobticket.",
        "Übrigens: Der Schlüssel liegt im Briefkasten neben der Tür.",
        "Äpfel, Birnen und Pflaumen werden auf dem Wochenmarkt günstig angeboten.",
        "Die Prüfung der Anträge dauert erfahrungsgemäß sechs bis acht Wochen.",
        "Mit freundlichen Grüßen aus dem Büro für Öffentlichkeitsarbeit …",
        "Das Gerät darf nur in trockenen Räumen betrieben werden.",
    ]),
    "es": ("Español", ["Instrucciones de uso", "Información general", "Preguntas frecuentes", "Aviso legal"], [
        "«El tren de alta velocidad llegará a Málaga antes del mediodía», confirmó la compañía.",
        "¿Cuántos años tenía tu abuela cuando emigró a Argentina?",
        "¡Qué alegría volver a verte después de tanto tiempo!",
        "La señora Muñoz envió la solicitud el miércoles por la mañana.",
        "El niño aprendió a nadar en la piscina municipal durante el verano.",
        "Según el informe, la producción de aceite de oliva creció un 12 % este año.",
        "Las últimas lluvias han provocado inundaciones en varias zonas del río Ebro.",
        "Por favor, lea atentamente las condiciones antes de firmar el contrato.",
        "El pequeño pueblo andaluz celebra sus fiestas patronales en agosto.",
        "Nuestra compañía ofrece envío gratuito en pedidos superiores a 50 €.",
        "La exposición —inaugurada ayer— reúne más de doscientas obras.",
        "Mañana habrá atención al público únicamente de 9:00 a 14:00.",
        "El acuerdo fue firmado por ambas partes tras largas negociaciones…",
        "Se ruega puntualidad: la ceremonia comenzará a las once en punto.",
        "El pingüino del zoológico se convirtió en la atracción del año.",
    ]),
    "pt": ("Português", ["Instruções", "Informações úteis", "Condições gerais", "Apresentação"], [
        "A previsão do tempo indica chuva forte na região norte até sábado.",
        "“Não há nada como um pastel de nata acabado de sair do forno”, disse o padeiro.",
        "As inscrições para o curso de programação estão abertas até 15 de março.",
        "O comboio para Coimbra parte da estação de Santa Apolónia às 8h30.",
        "A exposição reúne obras de artistas portugueses e brasileiros contemporâneos.",
        "São necessárias duas fotografias recentes e um documento de identificação.",
        "A câmara municipal aprovou a construção de uma nova ponte sobre o rio.",
        "Você já experimentou o açaí com granola servido naquela lanchonete?",
        "Os alunos da escola secundária ganharam o prémio nacional de ciências.",
        "Atenção: o acesso à praia está interdito durante a maré alta.",
        "Obrigado pela sua compreensão e até à próxima!",
        "A reunião de condomínio ficou marcada para as 19h, no salão de festas.",
        "Hoje à noite há concerto de fado na associação cultural do bairro.",
        "Os pães são cozidos diariamente em forno a lenha, como manda a tradição.",
    ]),
    "it": ("Italiano", ["Istruzioni per l'uso", "Avvertenze", "Orari e informazioni", "Chi siamo"], [
        "Il treno regionale per Firenze partirà dal binario 4 con dieci minuti di ritardo.",
        "«Non è mai troppo tardi per imparare una lingua», dice la professoressa.",
        "Perché non andiamo al mare questo fine settimana?",
        "La città è famosa per la sua università, fondata più di otto secoli fa.",
        "Il museo resterà chiuso lunedì per lavori di manutenzione straordinaria.",
        "Caffè, cornetto e spremuta: la colazione tipica del bar sotto casa.",
        "Si prega di non lasciare bagagli incustoditi all'interno della stazione.",
        "L'assemblea dei soci è convocata per giovedì alle ore 18:30.",
        "Il sindaco ha annunciato nuovi investimenti per le piste ciclabili.",
        "Così è finita la stagione: tra entusiasmo, polemiche e qualche rimpianto…",
        "È possibile pagare con carta di credito, bancomat o in contanti.",
        "Le iscrizioni al corso di ceramica si chiuderanno venerdì prossimo.",
        "Più di metà dei visitatori arriva in città già a metà mattina.",
    ]),
    "pl": ("Polski", ["Instrukcja obsługi", "Informacje ogólne", "Warunki uczestnictwa", "Kontakt"], [
        "Pociąg do Krakowa odjedzie z peronu trzeciego z dwudziestominutowym opóźnieniem.",
        "„Nie ma róży bez kolców” — powiedziała babcia, zamykając książkę.",
        "W przyszłym tygodniu urząd będzie czynny od poniedziałku do piątku.",
        "Proszę o przesłanie faktury na adres biura w Łodzi.",
        "Źródłem problemu okazała się nieszczelna rura w piwnicy.",
        "Jesienią w parku można zbierać kasztany i żołędzie.",
        "Gdańsk słynie z bursztynu, portu i pięknej starówki.",
        "Ćwiczenia odbędą się w sali gimnastycznej na drugim piętrze.",
        "Dziękujemy za cierpliwość i życzymy miłego dnia!",
        "Żółta łódź płynęła powoli wzdłuż brzegu jeziora.",
        "Wniosek należy złożyć osobiście lub za pośrednictwem poczty.",
        "Ceny biletów miesięcznych wzrosną od 1 stycznia o 5 zł.",
        "Śniadanie jest wliczone w cenę pokoju i podawane do godziny dziesiątej.",
    ]),
    "cs": ("Čeština", ["Návod k použití", "Bezpečnostní pokyny", "Otevírací doba", "O nás"], [
        "Vlak do Brna odjíždí z druhé koleje v 7:45.",
        "„Kdo jinému jámu kopá, sám do ní padá,“ říká staré přísloví.",
        "Příští týden bude knihovna otevřena pouze dopoledne.",
        "Děkujeme za Vaši objednávku; zboží odešleme do tří pracovních dnů.",
        "Na náměstí se konají vánoční trhy s ručně vyráběnými dárky.",
        "Řidiči musí počítat s omezením provozu na dálnici D1.",
        "Žádost je třeba podat nejpozději do konce června.",
        "Čerstvé pečivo dovážíme každé ráno z místní pekárny.",
        "Kurz češtiny pro cizince začíná v září a trvá dva semestry.",
        "Ve středu se očekávají přeháňky a silný vítr.",
        "Ústav zveřejnil výsledky výzkumu na svých webových stránkách.",
        "Hrad Karlštejn patří k nejnavštěvovanějším památkám v zemi.",
        "Půjčovna kol je otevřena denně od dubna do října.",
    ]),
    "tr": ("Türkçe", ["Kullanım kılavuzu", "Güvenlik uyarıları", "Genel bilgiler", "Hakkımızda"], [
        "İstanbul'dan Ankara'ya giden hızlı tren saat 09.30'da kalkacak.",
        "Toplantı, müdürün isteği üzerine gelecek haftaya ertelendi.",
        "Lütfen kimlik kartınızı ve başvuru formunu yanınızda getiriniz.",
        "Çocuklar bahçede güneşli havanın tadını çıkarıyordu.",
        "Şirketimiz, müşteri memnuniyetini her şeyin üstünde tutar.",
        "Ağustos ayında sahil kasabaları turistlerle dolup taşıyor.",
        "Öğrenciler sınav sonuçlarını üniversitenin sitesinden öğrenebilir.",
        "“Damlaya damlaya göl olur” atasözü sabrın önemini anlatır.",
        "Müzenin giriş ücreti öğrenciler için yüzde elli indirimlidir.",
        "Yağmur yüzünden maç bir saat gecikmeyle başladı.",
        "Işıklar söndüğünde salonda derin bir sessizlik oldu.",
        "Sipariş ettiğiniz ürünler üç iş günü içinde kargoya verilecektir.",
        "Kışın dağ köylerine ulaşım çoğu zaman zorlaşır.",
    ]),
    "da": ("Dansk og norsk", ["Brugsanvisning", "Praktisk information", "Om oss"], [
        "Færgen til Bornholm sejler fra Køge hver morgen kl. 8.30.",
        "Vi glæder os til at se jer på årets sommerfest i gården.",
        "Søndag er biblioteket lukket på grund af ombygning.",
        "Husk at tage regntøj med – vejret på Færøerne skifter hurtigt.",
        "Prøv vores hjemmebagte rugbrød med røget laks og æg.",
        "Kommunen har åbnet en ny skøjtebane ved søen.",
        "Øvingen starter klokken halv sju i gymsalen på skolen.",
        "Vi anbefaler å bestille billetter til Hurtigruten i god tid.",
        "Blåbærene er modne i skogen nord for Trondheim i august.",
        "Årsmøtet holdes i kantinen torsdag etter arbeidstid.",
    ]),
}

LIGATURE_SENTENCES = [
    "The office staff filed the final figures for the fiscal year on the first of the month.",
    "Our flight to Helsinki was delayed by fifty minutes due to heavy traffic on the airfield.",
    "Efficient workflows reflect the influence of careful planning and flexible scheduling.",
    "The field team identified five significant flaws in the original floor plan.",
    "Please fill in the profile form and confirm your affiliation before the conference.",
    "A small coffee shop on the fifth floor offers free refills to all staff.",
    "The artificial reef was classified as a protected area in fifteen countries.",
    "Fluctuations in the cash flow made it difficult to finance the new fleet.",
    "Scientists reaffirmed the benefits of fluoride in public water supplies.",
    "The official notification specified a deadline of the fifteenth of February.",
    "Firefighters fought the flames for five hours before the fire was finally contained.",
    "Configure the firewall to filter traffic from unidentified sources.",
    "The chef's souffle was flawless, and the waffles were fluffy and fresh.",
    "Inflation has affected the price of flour, fish and fresh fruit.",
    "A fleet of fifty ferries links the fjords to the mainland.",
    "She reflected on the conflict and offered a diplomatic, if difficult, solution.",
    "The file was flagged as confidential and filed in the cabinet on the first shelf.",
    "Each floor features flexible office space with plenty of natural light.",
    "Qualified applicants should submit a portfolio and a brief self-profile.",
    "The field trip to the sheriff's office was the highlight of the fortnight.",
    "Stiff winds forced the pilot to fly a different route over the cliffs.",
    "Our financial officer clarified the final figures in the official briefing.",
    "The affluent suburb suffered from a flood of complaints about the traffic.",
    "Overflowing gutters and flickering lights were fixed by the maintenance staff.",
    "A certificate of fitness is required for flights longer than five hours.",
    "The scaffolding was inspected and certified fit for the fifth floor.",
    "A significant fraction of the fees will fund field research in Finland.",
    "Unfinished profiles will be filtered out by the software at the first stage.",
    "The buffet offers waffles, muffins, coffee and fruit until half past five.",
    "Flexible flat fees simplify the office budget for the fiscal year.",
    "Fifteen fluent speakers were selected to fill the official interpreter roles.",
    "The flowers in the field flourished after the first rainfall in five weeks.",
]
LIGATURE_HEADINGS = ["Office Facilities", "Financial Summary", "Flight Information", "Field Notes",
                     "Staff Benefits", "Fire Safety Procedures", "Fleet Efficiency Report", "Filing Guidelines"]

LEGAL_SENTENCES = [
    "This offer is valid for new customers only and may not be combined with any other promotion.",
    "Prices include VAT at the applicable rate but exclude delivery charges unless stated otherwise.",
    "The company reserves the right to amend these terms at any time without prior notice.",
    "Refunds will be issued to the original payment method within 14 working days.",
    "All trademarks are the property of their respective owners.",
    "Data is processed in accordance with our privacy policy, available on request.",
    "Results may vary depending on network conditions, device settings and usage.",
    "Figures are unaudited and rounded to the nearest thousand; totals may not add up.",
    "Source: national statistics office, quarterly survey, seasonally adjusted.",
    "See section 4.2 for the definition of eligible expenses and the claims procedure.",
    "Minimum purchase of $25.00 required; one voucher per household.",
    "Past performance is not a reliable indicator of future results.",
    "Battery life tested with screen brightness at 50% and wireless connections disabled.",
    "Terms apply. Subject to availability. While stocks last.",
    "In the event of a dispute, the courts of the place of registration shall have exclusive jurisdiction.",
    "Ibid., pp. 112-118; see also the discussion in chapter 7.",
    "Calls are charged at the standard network rate; mobile rates may vary.",
    "Not to be used as a substitute for professional medical advice.",
    "The warranty does not cover damage caused by misuse, accidents or unauthorised repairs.",
    "Interest is calculated daily and paid monthly into the nominated account.",
    "Offer ends 31 December; excludes gift cards, sale items and delivery fees.",
    "Cancellations made less than 48 hours before arrival will be charged in full.",
    "Personal data will be retained for no longer than is necessary for the purposes stated above.",
    "Smith, J. and Patel, R. (2019), Journal of Applied Statistics, vol. 46, no. 3, pp. 401-419.",
    "Any failure to enforce a provision shall not constitute a waiver of that provision.",
    "Delivery times are estimates and are not guaranteed, particularly during public holidays.",
]
LEGAL_HEADINGS = ["Terms and Conditions", "Notes", "Footnotes", "Important Information", "Disclaimer",
                  "General Conditions of Sale", "Notes to the Accounts"]

CHINESE_SENTENCES = [
    "近年来，城市公共交通系统不断完善，市民出行更加便捷。",
    "本公司成立于二〇〇五年，主要从事电子产品的研发、生产和销售。",
    "会议指出，要进一步加强生态环境保护，推动绿色低碳发展。",
    "图书馆每周一闭馆，其余时间正常开放，欢迎广大读者前来借阅。",
    "请各部门于本月二十日前将年度工作总结报送办公室。",
    "春天来了，公园里的桃花、杏花竞相开放，吸引了许多游客。",
    "根据气象台预报，明天白天多云转小雨，气温十二到十八度。",
    "为保障用户权益，平台将对所有商家进行资质审核。",
    "学校组织学生参观了科技馆，同学们对人工智能展区很感兴趣。",
    "新修订的《食品安全法》对生产经营者提出了更高的要求。",
    "他在信中写道：“无论走多远，都不要忘记为什么出发。”",
    "该项目总投资约三亿元，预计明年年底竣工并投入使用。",
    "乘客朋友们，列车即将到达终点站，请带好您的随身物品。",
    "医院提醒：就诊时请携带身份证和医保卡，并提前预约挂号。",
    "这本书以生动的语言讲述了一个普通家庭三代人的故事。",
    "社区志愿者每周六上午为老年人提供免费理发服务。",
    "由于道路施工，本路段实行单向通行，请绕行。",
    "经过三年的努力，团队终于攻克了这一关键技术难题。",
    "展览分为“历史回顾”“创新成果”和“未来展望”三个部分。",
    "中国古代的四大发明包括造纸术、印刷术、火药和指南针。",
    "茶文化源远流长，不同地区形成了各具特色的饮茶习惯。",
    "我们将继续秉承“客户至上、质量第一”的经营理念。",
    "考生须在开考前三十分钟进入考场，迟到十五分钟者不得入场。",
    "秋收时节，田野里一片金黄，农民们脸上洋溢着丰收的喜悦。",
    "本合同一式两份，甲乙双方各执一份，具有同等法律效力。",
    "如有疑问，请拨打客服热线或发送电子邮件与我们联系。",
    "长江是中国第一大河，全长约六千三百公里。",
    "数字化转型已成为企业提升竞争力的重要途径。",
    "孩子们在操场上踢足球，笑声传遍了整个校园。",
    "请勿在公共场所吸烟，共同营造健康文明的环境。",
    "该地区拥有丰富的旅游资源，每年吸引大量国内外游客。",
    "研究表明，适量运动有助于改善睡眠质量和心理健康。",
    "《论语》中说：“学而时习之，不亦说乎？”",
    "新产品上市以来，受到了消费者的广泛好评。",
    "市政府决定在老城区新建两所小学和一座社区医院。",
    "夜幕降临，江边的灯光倒映在水中，景色十分迷人。",
    "各位来宾，晚会将于七点整正式开始，请大家尽快入座。",
    "本通知自发布之日起施行，原有规定同时废止。",
    "由于天气原因，原定于周末举行的户外活动取消。",
    "图中数据来源于国家统计局（二〇二三年）。",
    "老师说：「今天的作业是阅读《红楼梦》第一回。」",
    "注意事项：（一）保持安静；（二）爱护公物；（三）按时离场。",
    "河水清澈见底，两岸绿树成荫，不时传来阵阵鸟鸣。",
    "街道办事处将于下周开展消防安全检查，请各单位做好准备。",
]
TRADITIONAL_SENTENCES = [
    "臺北市立圖書館將於下週一起延長開放時間。",
    "本公司誠徵業務專員數名，歡迎有志者加入我們的團隊。",
    "颱風即將登陸，請民眾做好防颱準備，避免前往海邊。",
    "這家老字號餐廳以傳統的廣東點心聞名於世。",
    "他說：「學習是一輩子的事，永遠不嫌晚。」",
    "會議紀錄已寄送至各單位，請於三日內回覆意見。",
    "香港的夜景被譽為世界三大夜景之一。",
    "為維護乘車安全，請勿在車廂內飲食。",
    "本館展出的文物橫跨宋、元、明、清四個朝代。",
    "報名時請攜帶身分證正本及二吋照片兩張。",
    "農曆新年期間，街道上處處張燈結綵，熱鬧非凡。",
    "《詩經》是中國最早的一部詩歌總集。",
    "感謝您的耐心等候，我們將盡快為您處理。",
    "學校圖書館藏書豐富，並提供電子資源查詢服務。",
    "山區清晨霧氣瀰漫，遠處的寺廟若隱若現。",
]
CHINESE_TITLES = ["关于举办年度技术交流会的通知", "年度工作总结", "产品使用说明", "城市发展调研报告",
                  "社区服务指南", "图书馆读者须知", "企业文化建设方案", "旅游景区介绍"]
CHINESE_HEADINGS = ["一、项目概况", "二、主要内容", "三、实施计划", "四、保障措施", "第一章 总则", "第二章 管理",
                    "注意事项", "背景介绍", "工作目标", "附则"]
TRADITIONAL_HEADINGS = ["一、活動簡介", "二、報名方式", "注意事項", "服務說明"]

MIXED_TEMPLATES = [
    "型号：{model}，屏幕尺寸{d1}.{d1}英寸，分辨率2796×1290。",
    "本产品支持Wi-Fi 6和Bluetooth 5.3，续航时间约{n2}小时。",
    "售价：¥{price}（含税），会员价¥{price}",
    "发布日期：{cdate}",
    "处理器：Intel Core i7-{n5}，内存16GB DDR5，硬盘1TB SSD",
    "订单号：{n12}，预计{m}月{d}日送达",
    "联系电话：+86 10 {n4} {n4}，邮箱：service@example.com",
    "请访问www.example.com.cn下载最新版本（v{d1}.{d1}.{n2}）。",
    "电池容量：{n4}mAh，支持{n2}W快充",
    "尺寸：{n3}×{n3}×{n2} mm，重量约{n3}g",
    "会议时间：{cdate} 14:00–16:30，地点：A座{n3}室",
    "航班CA{n4}将于{hh}:{mm}从北京首都国际机场T3航站楼起飞。",
    "本次更新修复了{n2}个bug，并优化了App的启动速度。",
    "共计{n2}件商品，合计¥{price}，已优惠¥{n2}.00",
    "根据IDC数据，{year}年第{q}季度全球PC出货量为{n2}.{d1}百万台。",
    "使用USB Type-C接口充电，输入电压5V/3A。",
    "工作温度：-20℃至60℃，防护等级IP68",
    "第{d1}版 ISBN 978-7-{n3}-{n5}-{d1}",
    "GDP同比增长{d1}.{d1}%，CPI上涨{d1}.{d1}%",
    "截至{cdate}，注册用户已超过{n2}00万。",
    "该款SUV百公里油耗为{d1}.{d1}L，最大功率{n3}kW。",
    "保修期：{n2}个月（自购买之日起计算），服务热线400-{n3}-{n4}",
    "我们的团队在CVPR {year}上发表了{d1}篇论文。",
    "请于{cdate}前完成报名，费用为每人¥{price}。",
]
MIXED_TITLES = ["产品规格说明书", "新品发布会", "订单确认单", "技术参数一览", "季度销售报告", "用户手册"]
MIXED_HEADINGS = ["主要参数", "产品特点", "价格信息", "售后服务", "包装清单", "技术规格", "更新说明"]
MODELS = ["X{n3}", "Pro {n2}", "MX-{n4}", "Mate {n2}", "K{n2} Ultra", "AirBook {n2}"]

VERTICAL_MAP = {"，": "︐", "、": "︑", "。": "︒", "：": "︓", "；": "︔", "！": "︕", "？": "︖", "「": "﹁",
                "」": "﹂", "『": "﹃", "』": "﹄", "《": "︽", "》": "︾", "（": "︵", "）": "︶", "…": "︙", "—": "︱"}

NAMES_EN = ["A. Becker", "M. Rossi", "J. Nowak", "L. Dubois", "S. Yilmaz", "K. Tanaka", "P. Silva", "E. Novak"]
NAMES_ZH = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴丽"]


def fill(template, rng):
    """``template`` with each {field} replaced by a fresh random value (so "{n3}x{n3}" gets two numbers)."""
    def value(match):
        field = match.group(1)
        y, m, d = rng.randint(2019, 2030), rng.randint(1, 12), rng.randint(1, 28)
        make = {"d1": lambda: rng.randint(1, 9), "n2": lambda: rng.randint(10, 99), "n3": lambda: rng.randint(100, 999),
                "n4": lambda: f"{rng.randint(0, 9999):04d}", "n5": lambda: rng.randint(10000, 99999),
                "n12": lambda: "".join(str(rng.randint(0, 9)) for _ in range(12)), "m": lambda: m, "d": lambda: d,
                "year": lambda: y, "q": lambda: rng.randint(1, 4), "hh": lambda: f"{rng.randint(6, 22):02d}",
                "mm": lambda: f"{rng.randint(0, 59):02d}", "cdate": lambda: f"{y}年{m}月{d}日",
                "price": lambda: money(rng), "model": lambda: fill(rng.choice(MODELS), rng)}[field]
        return str(make())
    return re.sub(r"\{(\w+)\}", value, template)


def money(rng):
    value = rng.choice([rng.randint(5, 999), rng.randint(1000, 99999)]) + rng.choice([0, 0, rng.randint(1, 99)]) / 100
    return f"{value:,.2f}"


def take(rng, pool, count):
    """``count`` items of ``pool`` in random order, without repeats while the pool lasts."""
    out, bag = [], []
    while len(out) < count:
        if not bag:
            bag = list(pool)
            rng.shuffle(bag)
        out.append(bag.pop())
    return out


# ---------------------------------------------------------------------------------------------------- layout

CJK_RE = re.compile(r"[\u2E80-\u9FFF\uF900-\uFAFF\uFE10-\uFE4F\uFF00-\uFFEF\u3000-\u303F]")
NO_START = set("，。：；、）」》』！？…%℃")
NO_END = set("（「《『“‘")


def tokens(text, cjk):
    """Break units: words (with their following space) for Latin; each CJK character, and runs of other
    characters, for CJK or mixed text."""
    if not cjk:
        return re.findall(r"\S+\s*", text)
    return re.findall(r"[\u2E80-\u9FFF\uF900-\uFAFF\uFE10-\uFE4F\uFF00-\uFFEF\u3000-\u303F“”‘’]\s*|[^\s\u2E80-\u9FFF"
                      r"\uF900-\uFAFF\uFE10-\uFE4F\uFF00-\uFFEF\u3000-\u303F“”‘’]+\s*|\s+", text)


def wrap(text, font, width, cjk):
    """``text`` broken into lines no wider than ``width`` px (a closing CJK mark may overhang a little)."""
    lines, current = [], ""
    for unit in tokens(text, cjk):
        candidate = current + unit
        if current and font.getlength(candidate.rstrip()) > width and unit.strip()[:1] not in NO_START:
            if current.rstrip()[-1:] in NO_END:  # an opening bracket moves down with what follows
                lines.append(current.rstrip()[:-1].rstrip())
                current = current.rstrip()[-1] + unit
            else:
                lines.append(current.rstrip())
                current = unit
        else:
            current = candidate
    lines.append(current.rstrip())
    return [line.strip() for line in lines if line.strip()]


class Page:
    """A page image and the labelled lines drawn on it."""

    def __init__(self, width, height, paper):
        from PIL import Image, ImageDraw
        self.image = Image.new("RGB", (width, height), paper)
        self.draw = ImageDraw.Draw(self.image)
        self.lines = []
        self.ligature_chars = 0

    def put(self, x, y, text, font, colour, justify=None, label=None):
        """Draws ``text`` with the left end of its ascender line at (x, y), spread over ``justify`` px if given
        (words placed apart); labels it with ``label`` (default: the text). Returns the ink box or None."""
        from PIL import Image, ImageDraw
        ascent, descent = font.getmetrics()
        words = text.split(" ")
        if justify and len(words) > 1:
            lengths = [font.getlength(w) for w in words]
            gap = (justify - sum(lengths)) / (len(words) - 1)
            starts, pos = [], 0.0
            for length in lengths:
                starts.append(pos)
                pos += length + gap
            pieces = list(zip(words, starts))
        else:
            pieces = [(text, 0.0)]
        boxes = [font.getbbox(w) for w, _ in pieces]
        left = min(0, min(b[0] + s for b, (_, s) in zip(boxes, pieces)))
        right = max(b[2] + s for b, (_, s) in zip(boxes, pieces))
        top, bottom = min(0, min(b[1] for b in boxes)), max(ascent + descent, max(b[3] for b in boxes))
        pad = 4
        mask = Image.new("L", (math.ceil(right - left) + 2 * pad, bottom - top + 2 * pad), 0)
        draw = ImageDraw.Draw(mask)
        for word, start in pieces:
            draw.text((pad - left + start, pad - top), word, font=font, fill=255)
        ox, oy = round(x) - pad + left, round(y) - pad + top
        ink = mask.getbbox()
        if ink is None:
            return None
        self.image.paste(colour, (int(ox), int(oy)), mask)
        box = (int(ox) + ink[0], int(oy) + ink[1], int(ox) + ink[2], int(oy) + ink[3])
        self.add_label(label if label is not None else text, box)
        return box

    def put_column(self, x, y, chars, font, advance, colour, label):
        """Draws ``chars`` stacked from (x, y) (the top-left of the first em square) down by ``advance`` px each,
        each in horizontal metrics inside its em square (vertical presentation forms stand in for punctuation);
        labels the column with ``label``."""
        from PIL import Image, ImageDraw
        size = font.size
        pad = size
        mask = Image.new("L", (size + 2 * pad, int(advance * len(chars)) + 2 * pad), 0)
        draw = ImageDraw.Draw(mask)
        for i, ch in enumerate(chars):
            glyph = VERTICAL_MAP.get(ch, ch)
            # Noto CJK's ideographic em box runs from 0.88 em above the baseline to 0.12 em below it.
            draw.text((pad, pad + i * advance + 0.88 * size), glyph, font=font, fill=255, anchor="ls")
        ink = mask.getbbox()
        if ink is None:
            return None
        ox, oy = int(round(x)) - pad, int(round(y)) - pad
        self.image.paste(colour, (ox, oy), mask)
        box = (ox + ink[0], oy + ink[1], ox + ink[2], oy + ink[3])
        self.add_label(label, box)
        return box

    def add_label(self, text, box):
        x0, y0, x1, y1 = box
        self.lines.append({"text": text, "poly": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]})


class Flow:
    """Lines poured down columns (x, width) between ``top`` and ``bottom``, column after column."""

    def __init__(self, page, columns, top, bottom, colour):
        self.page, self.columns, self.top, self.bottom, self.colour = page, columns, top, bottom, colour
        self.col, self.y = 0, top

    def full(self):
        return self.col >= len(self.columns)

    def room(self, height):
        while not self.full() and self.y + height > self.bottom:
            self.col, self.y = self.col + 1, self.top
        return not self.full()

    def line(self, text, font, lead, align="left", indent=0, justify=False, label=None, colour=None):
        if not self.room(font.size * 1.3):
            return False
        x, width = self.columns[self.col]
        length = font.getlength(text)
        left = {"left": x + indent, "centre": x + (width - length) / 2, "right": x + width - length}[align]
        self.page.put(left, self.y, text, font, colour or self.colour,
                      justify=(width - indent) if justify else None, label=label)
        self.y += lead
        return True

    def paragraph(self, text, font, lead, cjk=False, justify=False, first_indent=0, label=None, after=0):
        """A wrapped paragraph; ``label`` maps each drawn line to its label. False once the columns are full."""
        _, width = self.columns[min(self.col, len(self.columns) - 1)]
        lines = wrap(text, font, width - first_indent, cjk)
        if len(lines) > 1:  # the rest at full width
            lines = lines[:1] + wrap(text[len(lines[0]):].strip(), font, width, cjk)
        for n, line in enumerate(lines):
            last = n == len(lines) - 1
            if not self.line(line, font, lead, indent=first_indent if n == 0 else 0,
                             justify=justify and not last and not cjk, label=label(line) if label else None):
                return False
        self.y += after
        return True

    def heading(self, text, font, lead, body_lead, before=0, colour=None):
        """A heading kept with at least two body lines after it."""
        if self.y > self.top:
            self.y += before
        if not self.room(lead + 2 * body_lead):
            return False
        return self.line(text, font, lead, colour=colour)

    def space(self, px):
        self.y += px


def paper(rng):
    return tuple(rng.randint(243, 255) for _ in range(3))


def ink(rng):
    return rng.choice([(0, 0, 0), (0, 0, 0), (25, 25, 25), (45, 45, 50), (20, 30, 80)])


def frame(rng, columns_choice):
    """(margins (left, top, right, bottom), columns [(x, width)])."""
    left, right = rng.randint(95, 150), rng.randint(95, 150)
    top, bottom = rng.randint(95, 150), rng.randint(110, 160)
    count = rng.choice(columns_choice)
    gutter = rng.randint(40, 70)
    width = (WIDTH - left - right - (count - 1) * gutter) // count
    return (left, top, right, bottom), [(left + c * (width + gutter), width) for c in range(count)]


def furniture(page, rng, margins, small_font, text_header, text_footer, colour):
    """An optional running header (with a rule) and a page number, labelled; returns extra top space used."""
    left, top, right, bottom = margins
    used = 0
    if text_header and rng.random() < 0.5:
        page.put(left, top - 10, text_header, small_font, colour)
        rule_y = top - 10 + small_font.size * 1.5
        page.draw.line([(left, rule_y), (WIDTH - right, rule_y)], fill=colour, width=1)
        used = int(small_font.size * 2.6)
    if text_footer and rng.random() < 0.7:
        length = small_font.getlength(text_footer)
        x = rng.choice([(WIDTH - length) / 2, WIDTH - right - length])
        page.put(x, HEIGHT - bottom + 40, text_footer, small_font, colour)
    return used


def body_page(rng, families, face, sample_text, size_range, columns_choice=(1, 1, 2)):
    """Shared set-up: (page, flow, fonts dict, details) with title space left to the caller."""
    regular, bold = pick_family(rng, families, sample_text, face)
    size = rng.randint(*size_range)
    spacing = rng.uniform(1.3, 1.7)
    fonts = {"body": load_font(regular, size, face), "title": load_font(bold, rng.randint(size + 12, size + 22), face),
             "head": load_font(bold, size + rng.randint(2, 6), face), "small": load_font(regular, max(16, size - 4), face)}
    margins, columns = frame(rng, columns_choice)
    page = Page(WIDTH, HEIGHT, paper(rng))
    colour = ink(rng)
    details = {"font": regular, "size": size, "heading_font": bold, "columns": len(columns),
               "spacing": round(spacing, 2)}
    return page, margins, columns, fonts, spacing, colour, details


def title_block(page, rng, margins, fonts, title, subtitle, colour):
    """A title (left or centred) and an optional subtitle line; returns the y below them."""
    left, top, right, _ = margins
    y = top
    font = fonts["title"]
    centred = rng.random() < 0.4
    x = (WIDTH - font.getlength(title)) / 2 if centred else left
    page.put(x, y, title, font, colour)
    y += font.size * 1.6
    if subtitle:
        small = fonts["small"]
        x = (WIDTH - small.getlength(subtitle)) / 2 if centred else left
        page.put(x, y, subtitle, small, colour)
        y += small.size * 1.8
    if rng.random() < 0.5:
        page.draw.line([(left, y), (WIDTH - right, y)], fill=colour, width=2)
        y += 14
    return int(y + fonts["body"].size * 0.6)


# ---------------------------------------------------------------------------------------------------- kinds
# Each returns (Page, details).


def kind_latin_accents(rng):
    langs = rng.sample(sorted(LANGS), rng.randint(2, 4))
    sample = " ".join(s for code in langs for s in LANGS[code][2]) + "".join(LANGS[c][0] for c in langs)
    page, margins, columns, fonts, spacing, colour, details = body_page(rng, LATIN_FAMILIES, "SC", sample, (19, 25))
    title = rng.choice(["Guide multilingue", "Mehrsprachige Hinweise", "Información al viajero", "Notizie dal comune",
                        "Informacje dla gości", "Průvodce pro návštěvníky", "Kullanıcı bilgileri"])
    top = furniture(page, rng, margins, fonts["small"], rng.choice(["Édition 2026 — page intérieure",
                                                                    "Ausgabe Nr. 12 · Seite 3", ""]),
                    f"– {rng.randint(2, 40)} –", colour)
    y = title_block(page, rng, (margins[0], margins[1] + top, margins[2], margins[3]), fonts, title,
                    rng.choice(["", "Version française, deutsche Fassung, versión española", "Wydanie 3 / Vydání 3"]),
                    colour)
    flow = Flow(page, columns, y, HEIGHT - margins[3], colour)
    body, lead = fonts["body"], fonts["body"].size * spacing
    justify = rng.random() < 0.5
    for code in langs:
        name, heads, sentences = LANGS[code]
        if not flow.heading(f"{name} — {rng.choice(heads)}", fonts["head"], fonts["head"].size * 1.5, lead, lead * 0.6):
            break
        pool = take(rng, sentences, len(sentences))
        while pool:
            count = rng.randint(2, 4)
            para, pool = " ".join(pool[:count]), pool[count:]
            if not flow.paragraph(para, body, lead, justify=justify, first_indent=rng.choice([0, 0, body.size * 2]),
                                  after=lead * 0.4):
                break
            if len(pool) < 3 and rng.random() < 0.5:
                break
    details["languages"] = langs
    return page, details


def kind_ligatures(rng):
    regular, bold = pick_family(rng, LATIN_FAMILIES, "\uFB01\uFB02", need=renders_ligatures)
    size = rng.randint(19, 26)
    spacing = rng.uniform(1.3, 1.7)
    fonts = {"body": load_font(regular, size), "head": load_font(bold, size + rng.randint(3, 6)),
             "title": load_font(bold, size + rng.randint(12, 20)), "small": load_font(regular, max(16, size - 4))}
    margins, columns = frame(rng, (1, 1, 2))
    page, colour = Page(WIDTH, HEIGHT, paper(rng)), ink(rng)
    details = {"font": regular, "size": size, "heading_font": bold, "columns": len(columns),
               "spacing": round(spacing, 2), "ligatures_rendered": renders_ligatures(bold) and renders_ligatures(regular)}
    top = furniture(page, rng, margins, fonts["small"], "Annual Report of the Office of Fleet and Facilities",
                    f"Page {rng.randint(2, 60)}", colour)
    y = title_block(page, rng, (margins[0], margins[1] + top, margins[2], margins[3]), fonts,
                    rng.choice(["Office Efficiency Review", "Fleet and Facilities Brief", "Fiscal Affairs Update",
                                "Staff Handbook: Office Life"]), rng.choice(["", "Prepared by the Office of the Chief Financial Officer"]),
                    colour)
    flow = Flow(page, columns, y, HEIGHT - margins[3], colour)
    body, lead = fonts["body"], fonts["body"].size * spacing
    justify = rng.random() < 0.5
    decompose = lambda line: line.replace("\uFB01", "fi").replace("\uFB02", "fl")  # noqa: E731
    literal = 0
    for heading in take(rng, LIGATURE_HEADINGS, 8):
        if not flow.heading(heading, fonts["head"], fonts["head"].size * 1.5, lead, lead * 0.6):
            break
        full = True
        for _ in range(rng.randint(1, 3)):
            para = " ".join(take(rng, LIGATURE_SENTENCES, rng.randint(2, 4)))
            if rng.random() < 0.35:  # literal U+FB01/U+FB02 in the text
                para = para.replace("fi", "\uFB01").replace("fl", "\uFB02")
                literal += para.count("\uFB01") + para.count("\uFB02")
            if not flow.paragraph(para, body, lead, justify=justify, label=decompose, after=lead * 0.4,
                                  first_indent=rng.choice([0, 0, body.size * 2])):
                full = False
                break
        if not full:
            break
    details["literal_ligature_paragraph_chars"] = literal
    return page, details


def chinese_flow(rng, flow, fonts_sc, fonts_tc, lead, traditional_share):
    """Chinese sections (heading + paragraphs) until the flow is full; returns whether any were traditional."""
    any_tc = False
    while not flow.full():
        tc = rng.random() < traditional_share
        any_tc |= tc
        fonts = fonts_tc if tc else fonts_sc
        heading = rng.choice(TRADITIONAL_HEADINGS if tc else CHINESE_HEADINGS)
        if not flow.heading(heading, fonts["head"], fonts["head"].size * 1.6, lead, lead * 0.5):
            break
        for _ in range(rng.randint(1, 3)):
            para = "".join(take(rng, TRADITIONAL_SENTENCES if tc else CHINESE_SENTENCES, rng.randint(2, 5)))
            indent = fonts["body"].size * 2 if rng.random() < 0.7 else 0
            if not flow.paragraph(para, fonts["body"], lead, cjk=True, first_indent=indent, after=lead * 0.3):
                return any_tc
    return any_tc


def cjk_fonts(rng, face_text=""):
    regular, bold = pick_family(rng, CJK_FAMILIES, face_text)
    return regular, bold


def kind_chinese(rng):
    regular, bold = cjk_fonts(rng)
    size = rng.randint(20, 27)
    spacing = rng.uniform(1.45, 1.9)

    def fonts_for(face):
        return {"body": load_font(regular, size, face), "head": load_font(bold, size + rng.randint(2, 6), face),
                "title": load_font(bold, size + rng.randint(12, 20), face), "small": load_font(regular, size - 4, face)}
    sc, tc = fonts_for("SC"), fonts_for("TC")
    margins, columns = frame(rng, (1, 1, 1, 2))
    page, colour = Page(WIDTH, HEIGHT, paper(rng)), ink(rng)
    top = furniture(page, rng, margins, sc["small"], "某某市人民政府办公室文件", f"第 {rng.randint(1, 20)} 页 共 {rng.randint(20, 40)} 页", colour)
    y = title_block(page, rng, (margins[0], margins[1] + top, margins[2], margins[3]), sc, rng.choice(CHINESE_TITLES),
                    rng.choice(["", "（二〇二六年十二月七日）", "文号：办发〔2026〕12号"]), colour)
    flow = Flow(page, columns, y, HEIGHT - margins[3], colour)
    any_tc = chinese_flow(rng, flow, sc, tc, size * spacing, 0.25)
    return page, {"font": regular, "size": size, "heading_font": bold, "columns": len(columns),
                  "spacing": round(spacing, 2), "traditional": any_tc}


def kind_mixed(rng):
    regular, bold = cjk_fonts(rng)
    size = rng.randint(20, 26)
    spacing = rng.uniform(1.4, 1.8)
    fonts = {"body": load_font(regular, size), "head": load_font(bold, size + rng.randint(2, 6)),
             "title": load_font(bold, size + rng.randint(12, 20)), "small": load_font(regular, size - 4)}
    margins, columns = frame(rng, (1, 1, 2))
    page, colour = Page(WIDTH, HEIGHT, paper(rng)), ink(rng)
    top = furniture(page, rng, margins, fonts["small"], f"文档编号 DOC-{rng.randint(1000, 9999)} · Rev. {rng.choice('ABC')}",
                    f"- {rng.randint(1, 30)} -", colour)
    title = rng.choice(MIXED_TITLES) + " " + fill(rng.choice(MODELS), rng)
    y = title_block(page, rng, (margins[0], margins[1] + top, margins[2], margins[3]), fonts, title,
                    fill("发布日期：{cdate} 版本 v{d1}.{d1}", rng), colour)
    flow = Flow(page, columns, y, HEIGHT - margins[3], colour)
    lead = size * spacing
    for heading in take(rng, MIXED_HEADINGS, 7):
        if not flow.heading(heading, fonts["head"], fonts["head"].size * 1.6, lead, lead * 0.5):
            break
        if rng.random() < 0.5:  # a list of key: value lines
            ok = all(flow.paragraph(fill(t, rng).rstrip("。"), fonts["body"], lead, cjk=True)
                     for t in take(rng, MIXED_TEMPLATES, rng.randint(3, 6)))
            flow.space(lead * 0.3)
        else:
            para = "".join(s if s.endswith("。") else s + "。"
                           for s in (fill(t, rng) for t in take(rng, MIXED_TEMPLATES, rng.randint(2, 4))))
            para += "".join(take(rng, CHINESE_SENTENCES, rng.randint(0, 2)))
            ok = flow.paragraph(para, fonts["body"], lead, cjk=True, first_indent=size * 2 if rng.random() < 0.5 else 0,
                                after=lead * 0.3)
        if not ok:
            break
    return page, {"font": regular, "size": size, "heading_font": bold, "columns": len(columns),
                  "spacing": round(spacing, 2)}


def table_content(rng):
    """(script, header, rows, numeric column flags, caption)."""
    choice = rng.randrange(6)
    if choice == 0:
        items = ["Revenue", "Cost of sales", "Gross profit", "Operating expenses", "Marketing", "Staff costs",
                 "Research and development", "Depreciation", "Rent and utilities", "Net income", "Taxes", "Interest"]
        rows = []
        for item in take(rng, items, rng.randint(6, 11)):
            quarters = [rng.randint(-900, 9999) + rng.randint(0, 9) / 10 for _ in range(4)]
            cells = [f"({-q:,.1f})" if q < 0 else f"{q:,.1f}" for q in quarters + [sum(quarters)]]
            rows.append([item] + cells)
        return "latin", ["Item", "Q1", "Q2", "Q3", "Q4", "Total"], rows, [False] + [True] * 5, \
            f"Table {rng.randint(1, 9)}: Quarterly results, in thousands of euros"
    if choice == 1:
        products = ["Office chair, ergonomic, black", "Laptop stand", "USB-C docking station with 4 ports",
                    "Printer paper A4, 80 g/m2 (box of 5 reams)", "Desk lamp", "Wireless keyboard and mouse set",
                    "Monitor 27 inch", "Cable ties", "Whiteboard markers, assorted colours", "Filing cabinet",
                    "External SSD 1 TB", "Coffee machine service"]
        rows = []
        for n, item in enumerate(take(rng, products, rng.randint(5, 10)), 1):
            qty, unit = rng.randint(1, 40), rng.randint(2, 900) + rng.randint(0, 99) / 100
            rows.append([str(n), item, str(qty), f"{unit:,.2f}", f"{qty * unit:,.2f}"])
        return "latin", ["No.", "Description", "Qty", "Unit price", "Amount"], rows, [True, False, True, True, True], \
            f"Invoice INV-{rng.randint(2024, 2030)}-{rng.randint(1, 9999):04d}"
    if choice == 2:
        sessions = ["Opening remarks", "Keynote: document understanding", "Coffee break", "Panel discussion",
                    "Workshop on table recognition", "Poster session", "Lunch", "Closing session", "Demo track"]
        rows, hour = [], rng.randint(8, 10)
        day = rng.randint(1, 25)
        for session in take(rng, sessions, rng.randint(6, 9)):
            minutes = rng.choice([30, 45, 60])
            rows.append([f"{day:02d}/0{rng.randint(1, 9)}", f"{hour:02d}:00-{hour:02d}:{minutes % 60:02d}"
                         if minutes < 60 else f"{hour:02d}:00-{hour + 1:02d}:00", session,
                         f"{rng.choice('ABC')}-{rng.randint(101, 420)}", rng.choice(NAMES_EN)])
            hour = min(hour + 1, 19)
        return "latin", ["Date", "Time", "Session", "Room", "Chair"], rows, [False] * 5, "Conference programme"
    if choice == 3:
        items = ["办公桌椅", "笔记本电脑", "激光打印机", "投影仪", "文件柜", "会议桌", "显示器", "路由器", "碎纸机",
                 "空调维修服务", "办公用纸（A4）", "饮水机"]
        rows = []
        for n, item in enumerate(take(rng, items, rng.randint(5, 10)), 1):
            qty, unit = rng.randint(1, 30), rng.randint(50, 9000)
            rows.append([str(n), item, str(qty), f"{unit:,.2f}", f"{qty * unit:,.2f}"])
        return "cjk", ["序号", "项目名称", "数量", "单价（元）", "金额（元）"], rows, [True, False, True, True, True], \
            "表1 办公设备采购清单"
    if choice == 4:
        events = ["项目启动会", "需求评审", "技术方案讨论", "中期检查", "用户培训", "系统上线", "验收会议", "年度总结"]
        rows = [[f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日", f"{rng.randint(8, 17):02d}:{rng.choice(['00', '30'])}",
                 e, f"{rng.choice('ABC')}座{rng.randint(101, 999)}室", rng.choice(NAMES_ZH)]
                for e in take(rng, events, rng.randint(5, 8))]
        return "cjk", ["日期", "时间", "内容", "地点", "负责人"], rows, [False] * 5, "表2 工作安排"
    samples = [f"S-{rng.randint(100, 999)}" for _ in range(rng.randint(6, 10))]
    rows = [[s, f"{rng.uniform(15, 40):.1f}", f"{rng.uniform(5.5, 8.5):.2f}", str(rng.randint(120, 2400)),
             rng.choice(["Pass", "Pass", "Fail", "Retest"])] for s in samples]
    return "latin", ["Sample", "Temp (°C)", "pH", "Conductivity", "Result"], rows, [False, True, True, True, False], \
        f"Table {rng.randint(1, 9)}. Water quality measurements"


def draw_table(page, rng, x, y, max_width, header, rows, numeric, font, head_font, colour, grid):
    """A ruled table at (x, y); returns its bottom y."""
    padx, pady = rng.randint(8, 14), rng.randint(6, 10)
    lead = font.size * 1.3
    ncol = len(header)
    natural = [max([head_font.getlength(header[c])] + [font.getlength(r[c]) for r in rows]) + 2 * padx
               for c in range(ncol)]
    widths = list(natural)
    if sum(widths) > max_width:  # squeeze the widest text column, its cells wrap
        text_cols = [c for c in range(ncol) if not numeric[c]] or list(range(ncol))
        widest = max(text_cols, key=lambda c: widths[c])
        widths[widest] = max(head_font.getlength(header[widest]) + 2 * padx,
                             widths[widest] - (sum(widths) - max_width))
    if rng.random() < 0.5 and sum(widths) < max_width:
        extra = (max_width - sum(widths)) / ncol
        widths = [w + extra for w in widths]
    widths = [int(w) for w in widths]
    cjk = any(CJK_RE.search(c) for r in rows for c in r)
    table = [(header, head_font)] + [(r, font) for r in rows]
    edges_y, top = [y], y
    shade = rng.random() < 0.4
    for n, (cells, f) in enumerate(table):
        wrapped = [wrap(cells[c], f, widths[c] - 2 * padx, cjk) for c in range(ncol)]
        height = int(max(len(w) for w in wrapped) * lead + 2 * pady)
        if shade and n == 0:
            page.draw.rectangle([x, top, x + sum(widths), top + height], fill=(225, 225, 225))
        cx = x
        for c in range(ncol):
            ty = top + pady + (height - 2 * pady - len(wrapped[c]) * lead) / 2 + (lead - f.size * 1.15) / 2
            for line in wrapped[c]:
                length = f.getlength(line)
                lx = cx + widths[c] - padx - length if numeric[c] and n > 0 else cx + padx
                page.put(lx, ty, line, f, colour)
                ty += lead
            cx += widths[c]
        top += height
        edges_y.append(top)
    right = x + sum(widths)
    line_w = rng.choice([1, 1, 2])
    if grid:
        for ey in edges_y:
            page.draw.line([(x, ey), (right, ey)], fill=colour, width=line_w)
        cx = x
        for w in [0] + widths:
            cx += w
            page.draw.line([(cx, edges_y[0]), (cx, edges_y[-1])], fill=colour, width=line_w)
    else:  # horizontal rules: top, under the header, bottom
        for ey, width in ((edges_y[0], 2), (edges_y[1], 1), (edges_y[-1], 2)):
            page.draw.line([(x, ey), (right, ey)], fill=colour, width=width)
    return top


def kind_table(rng):
    script, header, rows, numeric, caption = table_content(rng)
    families = CJK_FAMILIES if script == "cjk" else LATIN_FAMILIES
    text = " ".join(header + [c for r in rows for c in r] + [caption])
    regular, bold = pick_family(rng, families, text)
    size = rng.randint(18, 24)
    fonts = {"body": load_font(regular, size), "head": load_font(bold, size), "small": load_font(regular, size - 3),
             "title": load_font(bold, size + rng.randint(10, 18))}
    margins, _ = frame(rng, (1,))
    left, top, right, bottom = margins
    page, colour = Page(WIDTH, HEIGHT, paper(rng)), ink(rng)
    grid = rng.random() < 0.75
    title = {"latin": ["Financial Statement", "Purchase Summary", "Programme and Schedule", "Laboratory Report"],
             "cjk": ["采购申请单", "项目进度安排", "数据统计表"]}[script]
    y = title_block(page, rng, margins, fonts, rng.choice(title), "", colour)
    flow = Flow(page, [(left, WIDTH - left - right)], y, HEIGHT - bottom, colour)
    lead = size * 1.5
    intro = " ".join(take(rng, LEGAL_SENTENCES, 2)) if script == "latin" else "".join(take(rng, CHINESE_SENTENCES, 2))
    flow.paragraph(intro, fonts["body"], lead, cjk=script == "cjk", after=lead * 0.5)
    tables = 0
    while True:
        if tables:
            script2, header, rows, numeric, caption = table_content(rng)
            if script2 != script:
                continue
        estimate = (len(rows) + 1) * (size * 1.3 * 1.6 + 20) + lead * 3
        if flow.y + estimate > HEIGHT - bottom or tables == 2:
            break
        flow.line(caption, fonts["head"], lead)
        flow.y = draw_table(page, rng, left, flow.y + 6, WIDTH - left - right, header, rows, numeric, fonts["body"],
                            fonts["head"], colour, grid) + lead * 0.5
        note = rng.choice(["Source: internal records.", "All amounts include VAT.", "Figures rounded.",
                           "数据截至本月底。", "单位：元"])
        if (CJK_RE.search(note) is not None) == (script == "cjk"):
            flow.line(note, fonts["small"], lead)
        flow.space(lead)
        tables += 1
    return page, {"font": regular, "size": size, "heading_font": bold, "columns": 1, "tables": tables,
                  "grid": "full" if grid else "rules"}


def small_x_height_font(rng, name, target):
    """The size at which the font's 'x' is ``target`` px tall."""
    best = None
    for size in range(10, 30):
        font = load_font(name, size)
        box = font.getbbox("x")
        height = box[3] - box[1]
        if best is None or abs(height - target) < abs(best[1] - target):
            best = (size, height)
    return load_font(name, best[0]), best[1]


def kind_small_print(rng):
    regular, bold = pick_family(rng, LATIN_FAMILIES, " ".join(LEGAL_SENTENCES))
    xh_target = rng.choice([9, 10])
    small, xh = small_x_height_font(rng, regular, xh_target)
    margins, _ = frame(rng, (1,))
    left, top, right, bottom = margins
    page, colour = Page(WIDTH, HEIGHT, paper(rng)), ink(rng)
    body = load_font(regular, rng.randint(19, 23))
    head = load_font(bold, body.size + 8)
    fonts = {"title": head, "small": small, "body": body}
    y = title_block(page, rng, margins, fonts, rng.choice(LEGAL_HEADINGS), "", colour)
    if rng.random() < 0.5:  # a normal-size paragraph above the small print
        flow = Flow(page, [(left, WIDTH - left - right)], y, HEIGHT - bottom, colour)
        flow.paragraph(" ".join(take(rng, LEGAL_SENTENCES, 3)), body, body.size * 1.5, after=body.size)
        y = int(flow.y)
        page.draw.line([(left, y), (left + 300, y)], fill=colour, width=1)
        y += 12
    count = rng.choice([2, 2, 3])
    gutter = rng.randint(30, 50)
    width = (WIDTH - left - right - (count - 1) * gutter) // count
    columns = [(left + c * (width + gutter), width) for c in range(count)]
    spacing = rng.uniform(1.12, 1.3)
    flow = Flow(page, columns, y, HEIGHT - bottom, colour)
    lead = small.size * spacing
    n, style = 1, rng.choice(["num", "bracket", "star"])
    justify = rng.random() < 0.5
    while not flow.full():
        prefix = {"num": f"{n}. ", "bracket": f"[{n}] ", "star": "*" * min(n, 3) + " "}[style]
        text = prefix + " ".join(take(rng, LEGAL_SENTENCES, rng.randint(1, 3)))
        if not flow.paragraph(text, small, lead, justify=justify, after=lead * 0.25):
            break
        n += 1
        if style == "star" and n > 3:
            style = "num"
    return page, {"font": regular, "size": small.size, "x_height": xh, "heading_font": bold, "columns": count,
                  "spacing": round(spacing, 2)}


def kind_vertical_cjk(rng):
    regular, bold = cjk_fonts(rng)
    tc = rng.random() < 0.3
    face = "TC" if tc else "SC"
    size = rng.randint(22, 30)
    font, title_font = load_font(regular, size, face), load_font(bold, size + rng.randint(6, 12), face)
    advance = size * rng.uniform(1.0, 1.12)
    pitch = size * rng.uniform(1.6, 2.0)
    margins, _ = frame(rng, (1,))
    left, top, right, bottom = margins
    page, colour = Page(WIDTH, HEIGHT, paper(rng)), ink(rng)
    tiers = rng.choice([1, 1, 2])
    tier_gap = size * 2
    tier_h = (HEIGHT - top - bottom - (tiers - 1) * tier_gap) / tiers
    per_column = int(tier_h // advance)
    pool = TRADITIONAL_SENTENCES if tc else CHINESE_SENTENCES
    pool = [s.replace("“", "「").replace("”", "」") for s in pool if not re.search(r"[A-Za-z0-9]", s)]
    x = WIDTH - right - size  # the left edge of the rightmost column
    title = rng.choice(TRADITIONAL_HEADINGS if tc else CHINESE_TITLES)
    page.put_column(x - (title_font.size - size), top + size, list(title), title_font, title_font.size * 1.05, colour, title)
    x -= pitch * 1.5
    columns = 1
    for tier in range(tiers):
        tier_top = top + tier * (tier_h + tier_gap)
        if tier:
            page.draw.line([(left, tier_top - tier_gap / 2), (WIDTH - right, tier_top - tier_gap / 2)], fill=colour)
            x = WIDTH - right - size
        while x >= left:
            para = "".join(take(rng, pool, rng.randint(2, 4)))
            cells = ["　", "　"] + list(para)  # a two-character indent
            while cells and x >= left:
                # Fill a column; a mark that may not start a column stays at the foot of the one before.
                take_n = per_column
                if len(cells) > take_n and cells[take_n] in NO_START:
                    take_n += 1
                elif len(cells) > take_n and cells[take_n - 1] in NO_END:
                    take_n -= 1
                chunk, cells = cells[:take_n], cells[take_n:]
                skip = 0
                while chunk and chunk[0] == "　":
                    chunk, skip = chunk[1:], skip + 1
                if chunk:
                    page.put_column(x, tier_top + skip * advance, chunk, font, advance, colour, "".join(chunk))
                    columns += 1
                x -= pitch
            x -= pitch * rng.choice([0, 0, 0.5])
    return page, {"font": regular, "size": size, "face": face, "heading_font": bold, "columns": columns,
                  "tiers": tiers, "advance": round(advance, 1)}


def rotate_small(image, lines, degrees, fill):
    """``image`` turned counter-clockwise by ``degrees`` about its centre on a canvas of the same size (corners
    filled with ``fill``), polygons carried along in the same point order."""
    from PIL import Image
    w, h = image.size
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    inverse = (c, -s, w / 2 - w / 2 * c + h / 2 * s, s, c, h / 2 - w / 2 * s - h / 2 * c)
    turned = image.transform((w, h), Image.AFFINE, inverse, resample=Image.BICUBIC, fillcolor=fill)
    for line in lines:
        line["poly"] = [[round(w / 2 + (x - w / 2) * c + (y - h / 2) * s, 2),
                         round(h / 2 - (x - w / 2) * s + (y - h / 2) * c, 2)] for x, y in line["poly"]]
    return turned


def noise_image(rng, width, height, sigma):
    """A grey image of 128 + Gaussian noise (a table of 4096 draws, sampled)."""
    from PIL import Image
    table = bytes(max(0, min(255, round(128 + rng.gauss(0, sigma)))) for _ in range(4096))
    return Image.frombytes("L", (width, height), bytes(rng.choices(table, k=width * height)))


def degrade(rng, image, lines, details):
    """Scan look: a small turn, grey paper with uneven light, blur and noise (JPEG is applied when saving)."""
    from PIL import Image, ImageChops, ImageFilter
    angle = rng.choice([-1, 1]) * rng.uniform(0.3, 1.5)
    bg = image.getpixel((2, 2))
    image = rotate_small(image, lines, angle, bg)
    if rng.random() < 0.5:
        image = image.convert("L").convert("RGB")
    w, h = image.size
    # Uneven illumination: a coarse random field and a gradient, multiplied in; the paper comes out grey.
    light = rng.uniform(0.78, 0.92)
    field = Image.frombytes("L", (4, 5), bytes(int(255 * light * rng.uniform(0.86, 1.0)) for _ in range(20)))
    field = field.resize((w, h), Image.BICUBIC)
    ramp = Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270])).resize((w, h))
    strength = rng.uniform(0.08, 0.22)
    ramp = ramp.point(lambda v: int(255 - v * strength))
    field = ImageChops.multiply(field, ramp)
    image = ImageChops.multiply(image, Image.merge("RGB", [field] * 3))
    image = image.point(lambda v: int(18 + v * 0.93))  # ink never quite black
    blur = round(rng.uniform(0.5, 1.1), 2)
    image = image.filter(ImageFilter.GaussianBlur(blur))
    sigma = rng.randint(4, 10)
    noise = noise_image(rng, w, h, sigma)
    image = ImageChops.add(image, Image.merge("RGB", [noise] * 3), 1.0, -128)
    details.update(angle=round(angle, 3), blur=blur, noise=sigma, light=round(light, 3),
                   jpeg_quality=rng.randint(35, 70))
    return image


def crop(rng, image, lines, axis):
    """A band of the page cut between labelled lines along ``axis`` (1: rows, 0: columns), 35-65 % of the page;
    lines outside are dropped. Returns (image, lines, box) or None when no clean cut fits."""
    size = image.size[axis]
    busy = bytearray(size + 1)
    for line in lines:
        lo = min(p[axis] for p in line["poly"])
        hi = max(p[axis] for p in line["poly"])
        for v in range(max(0, int(lo) - 6), min(size, int(math.ceil(hi)) + 6)):
            busy[v] = 1
    free = [v for v in range(0, size, 2) if not busy[v]]
    for _ in range(40):
        a = rng.choice(free)
        length = int(size * rng.uniform(0.35, 0.65)) // 2 * 2
        b = a + length
        if b > size or busy[min(b, size - 1)]:
            continue
        inside = [ln for ln in lines if a <= min(p[axis] for p in ln["poly"]) and max(p[axis] for p in ln["poly"]) <= b]
        if len(inside) < 3:
            continue
        box = (0, a, image.width, b) if axis == 1 else (a, 0, b, image.height)
        for ln in inside:
            ln["poly"] = [[p[0] - box[0], p[1] - box[1]] for p in ln["poly"]]
        return image.crop(box), inside, box
    return None


KINDS = {"latin_accents": kind_latin_accents, "ligatures": kind_ligatures, "chinese": kind_chinese,
         "mixed": kind_mixed, "table": kind_table, "small_print": kind_small_print, "scanned": None,
         "vertical_cjk": kind_vertical_cjk}


SCANNED_SOURCES = ["latin_accents", "table", "chinese", "small_print", "mixed", "vertical_cjk", "ligatures"]


def make_page(rng, kind, index):
    """(image, lines, details) for page ``index``, of ``kind``; scanned pages take the other kinds in turn."""
    details = {}
    source = kind
    if kind == "scanned":
        source = SCANNED_SOURCES[(index // len(KINDS)) % len(SCANNED_SOURCES)]
        details["source_kind"] = source
    page, extra = KINDS[source](rng)
    details = {**extra, **details}
    image, lines = page.image, page.lines
    if kind != "scanned" and rng.random() < 0.25:  # scans stay whole pages (the turn would push cut lines out)
        cut = crop(rng, image, lines, 0 if source == "vertical_cjk" else 1)
        if cut:
            image, lines, box = cut
            details["crop"] = list(box)
    if kind == "scanned":
        image = degrade(rng, image, lines, details)
    return image, lines, details


# ---------------------------------------------------------------------------------------------------- output


def turn(image, lines, degrees):
    """``image`` turned counter-clockwise by 90, 180 or 270 degrees; a copy of ``lines`` with moved polygons."""
    from PIL import Image
    w, h = image.size
    op, move = {90: (Image.ROTATE_90, lambda x, y: (y, w - x)),
                180: (Image.ROTATE_180, lambda x, y: (w - x, h - y)),
                270: (Image.ROTATE_270, lambda x, y: (h - y, x))}[degrees]
    moved = [{"text": ln["text"], "poly": [list(move(x, y)) for x, y in ln["poly"]]} for ln in lines]
    return image.transpose(op), moved


def write_labels(path, seed, records, note=""):
    with open(path, "w", encoding="utf-8") as f:
        f.write(f'{{"generator": "bench/docset.py v{GENERATOR_VERSION}{note}", "seed": {seed}, "images": [\n')
        f.write(",\n".join(json.dumps(r, ensure_ascii=False) for r in records))
        f.write("\n]}\n")


def save(image, path, quality):
    if path.endswith(".jpg"):
        image.save(path, quality=quality)
    else:
        image.save(path)


def generate(out_dir, seed, pages, pdf=None, rotate=False, vertical_poly="upright"):
    if importlib.util.find_spec("PIL") is None:
        sys.exit("generate needs Pillow: apt-get install python3-pil")
    from PIL import features
    out_dir = os.path.abspath(out_dir)
    if pdf:
        pdf = os.path.abspath(pdf)
        if os.path.dirname(pdf) in (out_dir, os.path.join(out_dir, "rotated")):
            sys.exit("--pdf: put the PDF outside the set directories (hpocr ocr -i DIR would read it as one more input)")
    os.makedirs(out_dir, exist_ok=True)
    if rotate:
        os.makedirs(os.path.join(out_dir, "rotated"), exist_ok=True)
    records, turned_records, images = [], [], []
    kinds = list(KINDS)
    for i in range(pages):
        kind = kinds[i % len(kinds)]
        rng = random.Random(f"{seed}:{i}")
        image, lines, details = make_page(rng, kind, i)
        vertical = (details.get("source_kind") or kind) == "vertical_cjk"
        if vertical and vertical_poly == "reading":
            for ln in lines:  # the top-right corner first: poly[0] -> poly[1] runs down the column
                ln["poly"] = ln["poly"][1:] + ln["poly"][:1]
        name = f"{i:03d}_{kind}." + ("jpg" if kind == "scanned" else "png")
        quality = details.get("jpeg_quality", 95)
        save(image, os.path.join(out_dir, name), quality)
        details["raqm"] = features.check("raqm")
        records.append({"file": name, "kind": kind, "width": image.width, "height": image.height, **details,
                        "lines": lines})
        if pdf:
            images.append(image.convert("RGB"))
        if rotate:
            for degrees in (90, 180, 270):
                turned, moved = turn(image, lines, degrees)
                tname = f"{i:03d}_{kind}_r{degrees}." + ("jpg" if kind == "scanned" else "png")
                save(turned, os.path.join(out_dir, "rotated", tname), 95)
                turned_records.append({"file": tname, "kind": f"rot{degrees}", "source_kind": kind, "rotation": degrees,
                                       "source_file": name, "width": turned.width, "height": turned.height,
                                       "font": details.get("font"), "lines": moved})
    write_labels(os.path.join(out_dir, "labels.json"), seed, records)
    summary = (f"{pages} pages ({', '.join(kinds)}) from `bench/docset.py generate --seed {seed} --pages {pages}` "
               f"(generator v{GENERATOR_VERSION}, vertical polygons: {vertical_poly}); ground truth in labels.json.\n")
    with open(os.path.join(out_dir, "SET.md"), "w", encoding="utf-8") as f:
        f.write(summary + (("rotated/: every page turned counter-clockwise by 90, 180 and 270 degrees, own labels.json "
                            "(kinds rot90/rot180/rot270).\n") if rotate else ""))
    if rotate:
        write_labels(os.path.join(out_dir, "rotated", "labels.json"), seed, turned_records, " rotated")
    print(f"{pages} pages and labels.json in {out_dir}" + (f"; {3 * pages} turned copies in {out_dir}/rotated" if rotate else ""))
    if pdf:
        os.makedirs(os.path.dirname(pdf), exist_ok=True)
        images[0].save(pdf, save_all=True, append_images=images[1:], resolution=144.0, quality=95, subsampling=0)
        stem = os.path.splitext(os.path.basename(pdf))[0]
        labels = os.path.join(os.path.dirname(pdf), "labels.json")
        mine = True
        if os.path.exists(labels):
            try:
                with open(labels, encoding="utf-8") as f:
                    mine = json.load(f).get("generator", "").startswith("bench/docset.py")
            except (OSError, ValueError):
                mine = False
        if mine:
            pdf_records = [{**r, "file": f"{stem}_{n}.pdfpage", "pdf": os.path.basename(pdf), "page_index": n,
                            "source_file": r["file"]} for n, r in enumerate(records)]
            write_labels(labels, seed, pdf_records, " pdf")
            print(f"{pdf} ({pages} pages at 144 DPI) and its labels.json")
        else:
            print(f"{pdf} ({pages} pages at 144 DPI); {labels} belongs to another set, PDF labels not written")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="render the labelled page set")
    gen.add_argument("out_dir")
    gen.add_argument("--seed", type=int, default=20261207)
    gen.add_argument("--pages", type=int, default=48, help="pages (kinds in turn; default 48 = 6 per kind)")
    gen.add_argument("--pdf", metavar="OUT.pdf", help="also write all pages into one PDF (outside OUT_DIR)")
    gen.add_argument("--rotate", action="store_true", help="also write 90/180/270-degree copies to OUT_DIR/rotated")
    gen.add_argument("--vertical-poly", choices=["upright", "reading"], default="upright",
                     help="vertical columns' point order: top-left first (default) or top-right first")
    args = parser.parse_args()
    generate(args.out_dir, args.seed, args.pages, args.pdf, args.rotate, args.vertical_poly)


if __name__ == "__main__":
    main()
