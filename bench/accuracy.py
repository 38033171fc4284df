"""OCR accuracy on a labelled, rendered image set: generate the set, run hpocr over it, score, compare.

    /usr/bin/python3 bench/accuracy.py generate /tmp/accset                  # 120 images + labels.json (needs python3-pil)
    /usr/bin/python3 bench/accuracy.py run /tmp/accset                       # hpocr defaults, tables on stdout
    /usr/bin/python3 bench/accuracy.py run /tmp/accset --config defaults="" \\
        --config unclip2="--text_det_unclip_ratio 2.0" --pred peer.json --name peer --json acc.json

The set is seeded and deterministic for one Pillow version and one set of installed fonts (each image records
its font). Kinds, in equal shares: clean_latin, chinese, numbers, inverted, tilted, upside_down, noisy,
background, page, short, long. Every labelled line's polygon is the tight box of its rendered ink, carried
through the image's rotation, clockwise from the text's top-left as read. Metrics: bench/ocr_metrics.py.
"""

import argparse
import importlib.util
import json
import math
import os
import pathlib
import random
import shlex
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ocr_metrics  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[1]
GENERATOR_VERSION = 1

# Fonts by path (Debian: fonts-dejavu-core, fonts-liberation2, fonts-freefont-ttf, fonts-noto-cjk); missing ones are
# skipped. CJK collections use their Simplified Chinese face.
LATIN_FONTS = [
    "truetype/dejavu/DejaVuSans.ttf", "truetype/dejavu/DejaVuSans-Bold.ttf", "truetype/dejavu/DejaVuSerif.ttf",
    "truetype/dejavu/DejaVuSansMono.ttf", "truetype/liberation2/LiberationSans-Regular.ttf",
    "truetype/liberation2/LiberationSans-Bold.ttf", "truetype/liberation2/LiberationSerif-Regular.ttf",
    "truetype/liberation2/LiberationSerif-Italic.ttf", "truetype/liberation2/LiberationMono-Regular.ttf",
    "truetype/freefont/FreeSans.ttf", "truetype/freefont/FreeSerif.ttf", "truetype/freefont/FreeSansBold.ttf",
    "truetype/freefont/FreeMonoBold.ttf", "opentype/noto/NotoSansCJK-Regular.ttc",
]
CJK_FONTS = ["opentype/noto/NotoSansCJK-Regular.ttc", "opentype/noto/NotoSansCJK-Bold.ttc",
             "opentype/noto/NotoSerifCJK-Regular.ttc", "opentype/noto/NotoSerifCJK-Bold.ttc"]
FONT_ROOT = "/usr/share/fonts"

# ---------------------------------------------------------------------------------------------------- text

WORDS = """time year people way day man thing woman life child world school state family student group country
problem hand part place case week company system program question work government number night point home water
room mother area money story fact month lot right study book eye job word business issue side kind head house
service friend father power hour game line end member law car city community name president team minute idea
kid body information back parent face others level office door health person art war history party result
change morning reason research girl guy moment air teacher force education open close bring begin keep hold
write provide stand lose pay meet include continue set learn change lead understand watch follow stop create
speak read allow add spend grow offer remember love consider appear buy wait serve die send expect build stay
fall cut reach kill remain suggest raise pass sell require report decide pull quick brown simple green early
small large bright quiet modern local public private final annual daily careful ready strong light heavy""".split()

SENTENCES = [
    "Model XR-{n3} Serial {n4}", "Seat {n2}{seat} Economy Class", "Gate {gate} now boarding", "Flight {air}{n3} to {city}",
    "Please keep this receipt for your records.", "The quick brown fox jumps over the lazy dog.",
    "Meeting moved to Room {n3}, Building {letter}.", "Call us at {phone} for support.",
    "Open Monday to Friday, 9:00 - 17:30", "Total due: ${price}", "Order #{n5} shipped on {date}",
    "Do not lean against the doors.", "Wi-Fi password: {word}{n4}", "Platform {n1} for trains to {city}",
    "Version {n1}.{n2}.{n1} released today", "Thank you for shopping with us!", "Batch No. {n6}, best before {date}",
    "Emergency exit - keep clear", "Check-in closes {n2} minutes before departure.", "Room {n3} is on the {floor} floor.",
    "Speed limit {speed} km/h", "Dr. Alice Chen, Dept. of Physics", "Invoice {inv} is now overdue.",
    "Your table for {n1} is ready.", "Parking: Level B{n1}, Bay {n2}", "Press the green button to start.",
    "Temperature today: {n2} C, light rain", "Main St. & 5th Ave.", "Next service in {n5} km or {n2} months",
    "Read the manual (page {n2}) before use.", "Tickets: Adult ${price}, Child ${price}",
]
CITIES = ["Berlin", "Toronto", "Osaka", "Lisbon", "Denver", "Madrid", "Boston", "Oslo", "Seattle", "Dublin"]
FLOORS = ["first", "second", "third", "fourth", "ground"]

CHINESE = [
    "欢迎光临", "今天天气很好", "北京市朝阳区建国路88号", "会议将于下午3点开始", "请保持安静", "营业时间：9:00-21:00",
    "价格：128元", "电话：010-6543 2100", "注意安全", "出口", "请勿吸烟", "谢谢您的支持", "本店支持微信支付",
    "上海市浦东新区世纪大道100号", "第一章 总则", "学生证", "会员卡号：6200 1234", "发票号码：04520213",
    "开户银行：中国工商银行", "合计金额：356.80元", "生产日期：2024年3月15日", "保质期：12个月", "小心地滑",
    "禁止停车", "停车场入口", "地铁2号线", "下一站：人民广场", "中华人民共和国", "春眠不觉晓，处处闻啼鸟。",
    "床前明月光，疑是地上霜。", "数据分析报告", "产品说明书", "使用前请仔细阅读", "客服热线：400-800-1234",
    "订单已发货", "预计明天送达", "办公室在三楼", "图书馆开放时间", "周一至周五", "早上八点到晚上十点",
    "新年快乐", "生日快乐", "学习使我快乐", "人工智能技术", "文字识别系统", "高性能计算", "城市公共交通",
    "市场营销部", "人力资源管理", "财务报表", "年度工作总结", "会议记录", "项目进度", "质量检验合格",
    "有效期至2026年12月31日", "房间号：1206", "每人限购2件", "满100元减20元", "请排队等候", "儿童乘车需购票",
]

SHORT = ["OK", "Exit", "Total", "Push", "Pull", "Open", "Closed", "No. 7", "Sale", "Menu", "Stop", "Exit 12",
         "Room 4B", "Level 3", "Gate A", "Tax", "Cash", "Help", "Danger", "Private", "Wi-Fi", "Sold Out", "Quiet",
         "出口", "入口", "收银台", "洗手间", "安全出口", "电梯", "禁止吸烟", "营业中", "推", "拉", "停车场", "售票处"]


def fill(template, rng):
    """A template with its {fields} replaced by random values."""
    values = {
        "n1": str(rng.randint(1, 9)), "n2": str(rng.randint(10, 99)), "n3": str(rng.randint(100, 999)),
        "n4": f"{rng.randint(0, 9999):04d}", "n5": str(rng.randint(10000, 99999)), "n6": str(rng.randint(100000, 999999)),
        "seat": rng.choice("ABCDEF"), "gate": rng.choice("ABCDE") + str(rng.randint(1, 40)),
        "air": rng.choice(["LH", "AC", "NH", "TP", "UA", "BA"]), "city": rng.choice(CITIES), "letter": rng.choice("ABCDEFG"),
        "phone": phone(rng), "price": price(rng), "date": date(rng), "word": rng.choice(WORDS).capitalize(),
        "floor": rng.choice(FLOORS), "speed": str(rng.choice([30, 50, 60, 80, 100, 120])), "inv": invoice(rng),
    }
    return template.format(**values)


def phone(rng):
    return rng.choice([
        lambda: f"+1 ({rng.randint(200, 989)}) 555-{rng.randint(0, 9999):04d}",
        lambda: f"0{rng.randint(10, 99)}-{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
        lambda: f"1{rng.randint(30, 89)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
        lambda: f"+44 20 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
    ])()


def price(rng):
    value = rng.choice([rng.randint(1, 99) + rng.randint(0, 99) / 100, rng.randint(100, 99999) + rng.randint(0, 99) / 100])
    return f"{value:,.2f}"


def date(rng):
    y, m, d = rng.randint(1998, 2030), rng.randint(1, 12), rng.randint(1, 28)
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return rng.choice([f"{y}-{m:02d}-{d:02d}", f"{d:02d}/{m:02d}/{y}", f"{months[m - 1]} {d}, {y}", f"{d}.{m}.{y}"])


def invoice(rng):
    return rng.choice([f"INV-{rng.randint(2019, 2030)}-{rng.randint(0, 9999):04d}",
                       f"SN {rng.randint(0, 0xFFFF):04X}-{rng.randint(0, 0xFFFF):04X}", f"#{rng.randint(100000, 999999)}"])


def latin_sentence(rng):
    """A sentence: a filled template, or random words with capitals, commas and an ending mark."""
    if rng.random() < 0.5:
        return fill(rng.choice(SENTENCES), rng)
    words = [rng.choice(WORDS) for _ in range(rng.randint(3, 9))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.3:
        words[rng.randrange(len(words))] = rng.choice(CITIES)
    if rng.random() < 0.3 and len(words) > 4:
        words[1] += ","
    if rng.random() < 0.3:
        words.insert(rng.randrange(1, len(words)), str(rng.randint(2, 500)))
    return " ".join(words) + rng.choice([".", ".", "!", "?", ":", ""])


def number_line(rng):
    """A date, price, ID, phone number, time or amount, bare or after a fitting label."""
    labels, value = rng.choice([
        (["Date:", "Due", "Issued", "Expires"], lambda: date(rng)),
        (["Total:", "Paid", "Balance:", "Amount", "Price"], lambda: rng.choice(["$", "¥", ""]) + price(rng)),
        (["Total:", "Amount"], lambda: price(rng) + " USD"),
        (["Tel.", "Phone:", "Fax"], lambda: phone(rng)),
        (["ID", "Ref:", "No."], lambda: invoice(rng)),
        (["Time:", "Departs", "Arrives"], lambda: f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"),
        (["Rate:", "VAT", "Discount"], lambda: f"{rng.randint(1, 99)}.{rng.randint(0, 9)}%"),
        (["Weight:", "Net wt."], lambda: f"{rng.randint(1, 999)}.{rng.randint(0, 99):02d} kg"),
        (["Account", "Card No."], lambda: f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"),
    ])
    return value() if rng.random() < 0.5 else rng.choice(labels) + " " + value()


def chinese_line(rng):
    """One or two Chinese phrases, sometimes with a number."""
    text = rng.choice(CHINESE)
    if rng.random() < 0.3:
        text += "，" + rng.choice(CHINESE)
    if rng.random() < 0.2:
        text += f" {rng.randint(1, 2000)}"
    return text


def long_line(rng):
    """60 to 100 characters of sentences."""
    target = rng.randint(60, 100)
    text = latin_sentence(rng)
    while len(text) < target:
        text += " " + latin_sentence(rng)
    cut = text.rfind(" ", 0, target + 1)
    return text[:cut] if cut >= 60 else text[:target].rstrip()


def mixed_lines(rng, count):
    """(lines, script) for the kinds that take any content: one script per image."""
    script = rng.choice(["latin", "latin", "numbers", "chinese"])
    make = {"latin": latin_sentence, "numbers": number_line, "chinese": chinese_line}[script]
    return [make(rng) for _ in range(count)], "cjk" if script == "chinese" else "latin"


# ---------------------------------------------------------------------------------------------------- drawing


def available_fonts(names):
    return [n for n in names if os.path.exists(os.path.join(FONT_ROOT, n))]


def load_font(name, size):
    """The font at ``FONT_ROOT/name`` in ``size`` px; the Simplified Chinese face of a CJK collection."""
    from PIL import ImageFont
    path = os.path.join(FONT_ROOT, name)
    if not name.endswith(".ttc"):
        return ImageFont.truetype(path, size)
    for index in range(10):
        font = ImageFont.truetype(path, size, index=index)
        if font.getname()[0].endswith(" SC"):
            return font
    return ImageFont.truetype(path, size)


def pick_font(rng, script):
    fonts = available_fonts(CJK_FONTS if script == "cjk" else LATIN_FONTS)
    if not fonts:
        sys.exit(f"no {script} font under {FONT_ROOT} (apt-get install fonts-dejavu-core fonts-noto-cjk)")
    return rng.choice(fonts)


def line_mask(text, font):
    """(mask, ink box in the mask, drawing origin in the mask) for one line of text; the origin is the
    left end of the line's ascender line, so lines drawn with origins one under another share baselines."""
    from PIL import Image, ImageDraw
    left, top, right, bottom = font.getbbox(text)
    pad = 4
    mask = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
    origin = (pad - left, pad - top)
    ImageDraw.Draw(mask).text(origin, text, font=font, fill=255)
    return mask, mask.getbbox(), origin


def margin(rng):
    """A margin in px: tight (4-8) for a quarter of the images, else 10-60."""
    return rng.randint(4, 8) if rng.random() < 0.25 else rng.randint(10, 60)


def draw_lines(image, placed, colour):
    """Draws ``placed`` = [(text, (mask, ink, origin), (x, y) of the origin)] in ``colour``; returns the labels."""
    labels = []
    for text, (mask, ink, origin), (x, y) in placed:
        ox, oy = x - origin[0], y - origin[1]
        image.paste(colour, (ox, oy), mask)
        x0, y0, x1, y1 = ox + ink[0], oy + ink[1], ox + ink[2], oy + ink[3]
        labels.append({"text": text, "poly": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]})
    return labels


def text_block(rng, lines, font, background, colour):
    """An image of ``lines`` (left, centred or right aligned, some indented), margins around their ink, on
    ``background``: a callable (width, height) -> RGB image. Returns (image, labelled lines)."""
    masks = [line_mask(t, font) for t in lines]
    widths = [ink[2] - ink[0] for _, ink, _ in masks]
    step = max(int(font.size * rng.uniform(1.2, 2.0)), max(ink[3] - ink[1] for _, ink, _ in masks) + 2)
    align = rng.choice(["left", "left", "centre", "right"])
    block_w = max(widths)
    placed = []
    for i, (text, m, w) in enumerate(zip(lines, masks, widths)):
        indent = rng.choice([0, 0, 0, rng.randint(font.size, 4 * font.size)]) if align == "left" else 0
        ink_x = {"left": indent, "centre": (block_w - w) // 2, "right": block_w - w}[align]
        placed.append((text, m, (ink_x - (m[1][0] - m[2][0]), i * step)))
    # Shift so that the ink starts at the left and top margins.
    x0 = min(x + m[1][0] - m[2][0] for _, m, (x, _) in placed)
    y0 = min(y + m[1][1] - m[2][1] for _, m, (_, y) in placed)
    x1 = max(x + m[1][2] - m[2][0] for _, m, (x, _) in placed)
    y1 = max(y + m[1][3] - m[2][1] for _, m, (_, y) in placed)
    left, top = margin(rng), margin(rng)
    image = background(x1 - x0 + left + margin(rng), y1 - y0 + top + margin(rng))
    placed = [(t, m, (x - x0 + left, y - y0 + top)) for t, m, (x, y) in placed]
    return image, draw_lines(image, placed, colour)


def hsv(h, s, v):
    import colorsys
    return tuple(round(255 * c) for c in colorsys.hsv_to_rgb(h, s, v))


def paper(rng):
    """A near-white, slightly tinted colour."""
    return tuple(rng.randint(232, 255) for _ in range(3))


def ink(rng):
    """A dark colour: black, grey or a deep blue, red, green, brown."""
    return rng.choice([(0, 0, 0), (20, 20, 20), (rng.randint(30, 70),) * 3, (20, 30, 110), (120, 20, 20),
                       (20, 80, 30), (80, 50, 20)])


def noise_image(rng, width, height, sigma):
    """A grey ('L') image of 128 + Gaussian noise."""
    from PIL import Image
    table = bytes(max(0, min(255, round(128 + rng.gauss(0, sigma)))) for _ in range(4096))
    data = bytes(rng.choices(table, k=width * height))
    return Image.frombytes("L", (width, height), data)


def add_noise(image, noise):
    """``image`` plus (noise - 128) on every channel."""
    from PIL import Image, ImageChops
    return ImageChops.add(image, Image.merge("RGB", [noise] * 3), 1.0, -128)


def solid(colour):
    from PIL import Image
    return lambda w, h: Image.new("RGB", (w, h), colour)


def fancy_background(rng, theme):
    """A callable (width, height) -> image: a gradient, a mottled texture, a ruled sheet or a flat colour,
    light or dark after ``theme``."""
    from PIL import Image, ImageDraw
    hue = rng.random()
    if theme == "light":
        c1, c2 = hsv(hue, rng.uniform(0.1, 0.45), rng.uniform(0.85, 1.0)), hsv(rng.random(), rng.uniform(0.1, 0.4), 0.95)
    else:
        c1, c2 = hsv(hue, rng.uniform(0.4, 0.9), rng.uniform(0.12, 0.35)), hsv(rng.random(), 0.6, rng.uniform(0.1, 0.3))
    style = rng.choice(["gradient", "texture", "ruled", "flat"])
    seed = rng.random()

    def make(w, h):
        local = random.Random(seed)
        if style == "gradient":
            ramp = Image.linear_gradient("L").rotate(local.choice([0, 90, 45, 135]), resample=Image.BILINEAR,
                                                      expand=False, fillcolor=128)
            return Image.composite(Image.new("RGB", (w, h), c2), Image.new("RGB", (w, h), c1), ramp.resize((w, h)))
        base = Image.new("RGB", (w, h), c1)
        if style == "texture":
            blotches = noise_image(local, w // 12 + 2, h // 12 + 2, 14).resize((w, h), Image.BICUBIC)
            return add_noise(add_noise(base, blotches), noise_image(local, w, h, 4))
        if style == "ruled":
            draw, step = ImageDraw.Draw(base), local.randint(14, 30)
            for y in range(step // 2, h, step):
                draw.line([(0, y), (w, y)], fill=c2, width=1)
            if local.random() < 0.5:
                for x in range(step // 2, w, step):
                    draw.line([(x, 0), (x, h)], fill=c2, width=1)
        return base

    text = hsv(rng.random(), rng.uniform(0.5, 1.0), rng.uniform(0.1, 0.4)) if theme == "light" \
        else hsv(rng.random(), rng.uniform(0.0, 0.4), rng.uniform(0.9, 1.0))
    return make, text, style


def rotate(image, labels, degrees, fill):
    """``image`` turned counter-clockwise by ``degrees`` about its centre (canvas grown to fit, corners filled
    with ``fill``), and the labels' polygons carried along (same point order)."""
    from PIL import Image
    w, h = image.size
    if degrees == 180:
        turned = image.transpose(Image.ROTATE_180)
        move = lambda x, y: (w - x, h - y)  # noqa: E731
    else:
        c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
        W, H = math.ceil(w * abs(c) + h * abs(s)), math.ceil(w * abs(s) + h * abs(c))
        # Output pixel (X, Y) samples input (x, y): the inverse of `move` below.
        inverse = (c, -s, w / 2 - W / 2 * c + H / 2 * s, s, c, h / 2 - W / 2 * s - H / 2 * c)
        turned = image.transform((W, H), Image.AFFINE, inverse, resample=Image.BICUBIC, fillcolor=fill)
        move = lambda x, y: (W / 2 + (x - w / 2) * c + (y - h / 2) * s, H / 2 - (x - w / 2) * s + (y - h / 2) * c)  # noqa: E731
    for label in labels:
        label["poly"] = [[round(v, 2) for v in move(x, y)] for x, y in label["poly"]]
    return turned


# ---------------------------------------------------------------------------------------------------- kinds
# Each returns (image, labels, details) for one random image.


def plain_block(rng, lines, script, sizes=(14, 48), background=None, colour=None):
    """``lines`` in a random font of ``script`` on paper (or ``background``/``colour``)."""
    font_name = pick_font(rng, script)
    font = load_font(font_name, rng.randint(*sizes))
    image, labels = text_block(rng, lines, font, background or solid(paper(rng)), colour or ink(rng))
    return image, labels, {"font": font_name, "size": font.size}


def kind_clean_latin(rng):
    return plain_block(rng, [latin_sentence(rng) for _ in range(rng.randint(1, 6))], "latin")


def kind_chinese(rng):
    return plain_block(rng, [chinese_line(rng) for _ in range(rng.randint(1, 6))], "cjk")


def kind_numbers(rng):
    return plain_block(rng, [number_line(rng) for _ in range(rng.randint(1, 6))], "latin")


def kind_inverted(rng):
    lines, script = mixed_lines(rng, rng.randint(1, 6))
    dark = rng.choice([(0, 0, 0), (30, 30, 30), (15, 30, 70), (60, 15, 20), (20, 55, 35), (45, 45, 60)])
    light = rng.choice([(255, 255, 255), (235, 235, 235), (255, 220, 90), (180, 230, 255)])
    return plain_block(rng, lines, script, background=solid(dark), colour=light)


def kind_tilted(rng):
    lines, script = mixed_lines(rng, rng.randint(1, 6))
    bg = paper(rng)
    image, labels, details = plain_block(rng, lines, script, background=solid(bg))
    details["angle"] = round(rng.choice([-1, 1]) * rng.uniform(3, 10), 2)
    return rotate(image, labels, details["angle"], bg), labels, details


def kind_upside_down(rng):
    lines, script = mixed_lines(rng, rng.randint(1, 6))
    image, labels, details = plain_block(rng, lines, script)
    details["angle"] = 180
    return rotate(image, labels, 180, None), labels, details


def kind_noisy(rng):
    from PIL import ImageFilter
    lines, script = mixed_lines(rng, rng.randint(1, 6))
    image, labels, details = plain_block(rng, lines, script, sizes=(18, 48))
    details["blur"] = round(rng.uniform(0.4, 1.2), 2)
    details["noise"] = rng.randint(6, 18)
    details["jpeg_quality"] = rng.randint(30, 60)
    image = image.filter(ImageFilter.GaussianBlur(details["blur"]))
    return add_noise(image, noise_image(rng, *image.size, details["noise"])), labels, details


def kind_background(rng):
    lines, script = mixed_lines(rng, rng.randint(1, 6))
    make, colour, style = fancy_background(rng, rng.choice(["light", "light", "dark"]))
    image, labels, details = plain_block(rng, lines, script, background=make, colour=colour)
    details["background"] = style
    return image, labels, details


def kind_short(rng):
    if rng.random() < 0.5:
        text = rng.choice(SHORT)
    else:
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 2)))
        text = rng.choice([text.capitalize(), text.upper(), text])
    script = "cjk" if any(ord(ch) > 0x2E80 for ch in text) else "latin"
    return plain_block(rng, [text], script)


def kind_long(rng):
    return plain_block(rng, [long_line(rng) for _ in range(rng.randint(1, 3))], "latin", sizes=(14, 28))


def wrap(text, font, width, cjk):
    """``text`` broken into lines no wider than ``width`` px: at spaces, or between any characters in CJK."""
    units, joiner = (list(text), "") if cjk else (text.split(), " ")
    lines, current = [], ""
    for unit in units:
        candidate = current + joiner + unit if current else unit
        if current and font.getlength(candidate) > width and unit not in "，。：；、）":  # no line starts with these
            lines.append(current.strip())
            current = unit.strip()
        else:
            current = candidate
    return [line for line in lines + [current.strip()] if line]


def kind_page(rng):
    """A 1200x1600 document page: a title, paragraphs and sub-headings, one or two columns, 20-40 lines."""
    from PIL import Image
    script = "cjk" if rng.random() < 0.3 else "latin"
    body_name, head_name = pick_font(rng, script), pick_font(rng, script)
    body = load_font(body_name, rng.randint(14, 22))
    head = load_font(head_name, rng.randint(max(20, body.size + 4), 28))
    spacing = rng.uniform(1.15, 1.9)
    columns = 2 if rng.random() < 0.35 else 1
    width, height = 1200, 1600
    mx, my, gutter = rng.randint(60, 140), rng.randint(60, 140), rng.randint(50, 90)
    column_w = (width - 2 * mx - (columns - 1) * gutter) // columns
    target = rng.randint(20, 40)

    def paragraph():
        if script == "cjk":
            return "，".join(rng.choice(CHINESE).rstrip("。") for _ in range(rng.randint(4, 12))) + "。"
        return " ".join(latin_sentence(rng) for _ in range(rng.randint(3, 9)))

    items = []  # (text, font, space above) for the lines under the title, in reading order
    while len(items) < target - 1:
        heading = rng.random() < 0.25
        font = load_font(head_name, max(body.size + 2, head.size - 4)) if heading else body
        text = (chinese_line(rng) if script == "cjk" else latin_sentence(rng).rstrip(".!?:")) if heading else paragraph()
        gap = int(body.size * rng.uniform(0.3, 1.0))
        items += [(line, font, gap if j == 0 else 0) for j, line in enumerate(wrap(text, font, column_w, script == "cjk"))]
    items = items[:target - 1]
    title = chinese_line(rng) if script == "cjk" else " ".join(w.capitalize() for w in latin_sentence(rng).split()[:6])
    placed = [(title, line_mask(title, head), (mx, my))]
    top = my + int(head.size * 2.2)
    per_column = math.ceil(len(items) / columns)  # balanced columns
    y = top
    for n, (line, font, gap) in enumerate(items):
        column, row = divmod(n, per_column)
        y = top if row == 0 else y + gap
        if y + font.size * spacing > height - my:
            break
        placed.append((line, line_mask(line, font), (mx + column * (column_w + gutter), y)))
        y += int(font.size * spacing)
    colour = ink(rng)
    image = Image.new("RGB", (width, height), paper(rng))
    return image, draw_lines(image, placed, colour), {"font": body_name, "size": body.size, "heading_font": head_name,
                                                     "columns": columns, "spacing": round(spacing, 2)}


KINDS = {"clean_latin": kind_clean_latin, "chinese": kind_chinese, "numbers": kind_numbers, "inverted": kind_inverted,
         "tilted": kind_tilted, "upside_down": kind_upside_down, "noisy": kind_noisy, "background": kind_background,
         "page": kind_page, "short": kind_short, "long": kind_long}

# ---------------------------------------------------------------------------------------------------- commands


def generate(out_dir, seed, count):
    """Writes ``count`` images (kinds in turn), labels.json and SET.md into ``out_dir``."""
    if importlib.util.find_spec("PIL") is None:
        sys.exit("generate needs Pillow: apt-get install python3-pil")
    os.makedirs(out_dir, exist_ok=True)
    records = []
    for i in range(count):
        kind = list(KINDS)[i % len(KINDS)]
        rng = random.Random(f"{seed}:{i}")
        image, labels, details = KINDS[kind](rng)
        name = f"{i:03d}_{kind}." + ("jpg" if kind == "noisy" else "png")
        if kind == "noisy":
            image.save(os.path.join(out_dir, name), quality=details["jpeg_quality"])
        else:
            image.save(os.path.join(out_dir, name))
        records.append({"file": name, "kind": kind, "width": image.width, "height": image.height, **details,
                        "lines": labels})
    with open(os.path.join(out_dir, "labels.json"), "w", encoding="utf-8") as f:
        f.write(f'{{"generator": "bench/accuracy.py v{GENERATOR_VERSION}", "seed": {seed}, "images": [\n')
        f.write(",\n".join(json.dumps(r, ensure_ascii=False) for r in records))
        f.write("\n]}\n")
    with open(os.path.join(out_dir, "SET.md"), "w", encoding="utf-8") as f:
        f.write(f"{count} images ({', '.join(KINDS)}) from `bench/accuracy.py generate --seed {seed} --count {count}` "
                f"(generator v{GENERATOR_VERSION}); ground truth in labels.json.\n")
    print(f"{count} images and labels.json in {out_dir}")


def run_hpocr(hpocr, set_dir, args, out_dir):
    """Runs ``hpocr ocr -i set_dir --save_path out_dir args`` as one process; returns its wall time in s."""
    cmd = [hpocr, "ocr", "-i", set_dir, "--save_path", out_dir, *shlex.split(args)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # 1: some inputs failed, the others have results
        sys.exit(f"{shlex.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    if proc.stderr.strip():
        print(proc.stderr.strip(), file=sys.stderr)
    return wall


class Ordered(argparse.Action):
    """Keeps --pred and --name in command-line order, so that a --name right after a --pred names it."""

    def __call__(self, parser, namespace, values, option_string=None):
        namespace.ordered = (namespace.ordered or []) + [(self.dest, values)]


def systems_from(args):
    """([(name, hpocr args)], [(name, prediction file)]) from the command line."""
    configs, preds, name = [], [], "hpocr"
    for dest, value in args.ordered or []:
        if dest == "pred":
            preds.append([pathlib.Path(value).stem, value])
        elif preds:
            preds[-1][0] = value
        else:
            name = value
    for entry in args.config or []:
        key, sep, value = entry.partition("=")
        if not sep:
            sys.exit(f"--config wants NAME=ARGS, got {entry!r}")
        configs.append((key, value))
    if not configs and not args.no_hpocr:
        configs.append((name, args.args))
    return configs, [tuple(p) for p in preds]


def run(args):
    """Scores hpocr configurations and prediction files on a set; prints the tables."""
    labels = ocr_metrics.load_labels(args.set_dir)
    configs, pred_files = systems_from(args)
    results, walls = {}, {}
    for name, extra in configs:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(args.keep, name) if args.keep else tmp
            walls[name] = run_hpocr(args.hpocr, args.set_dir, extra, out)
            preds = ocr_metrics.load_hpocr_results(out, labels)
        results[name] = ocr_metrics.score(labels, preds)
        print(f"{name}: hpocr ocr {extra} over {len(labels)} images in {walls[name]:.1f} s", file=sys.stderr)
        show_errors(name, labels, preds, args.errors)
    for name, path in pred_files:
        with open(path, encoding="utf-8") as f:
            preds = json.load(f)
        results[name] = ocr_metrics.score(labels, preds)
        show_errors(name, labels, preds, args.errors)
    print(ocr_metrics.format_table(results))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"set": os.path.abspath(args.set_dir), "wall_s": walls, "results": results}, f, indent=1)


def show_errors(name, labels, preds, limit):
    """Prints up to ``limit`` misread lines (labelled text -> text read) to stderr."""
    wrong = [(image["file"], truth, text) for image, truth, text in ocr_metrics.line_pairs(labels, preds)
             if truth.strip() != text.strip()]
    for file, truth, text in wrong[:limit]:
        print(f"  {name} {file}: {truth!r} -> {text!r}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="render a labelled image set")
    gen.add_argument("out_dir")
    gen.add_argument("--seed", type=int, default=20261130)
    gen.add_argument("--count", type=int, default=120, help="images (kinds in turn; default 120)")
    rn = sub.add_parser("run", help="run hpocr over a set and score it (and prediction files)")
    rn.add_argument("set_dir")
    rn.add_argument("--hpocr", default=str(REPO / "build" / "release" / "apps" / "hpocr"), help="the hpocr CLI")
    rn.add_argument("--name", action=Ordered, help="name of the hpocr run, or of the --pred just before")
    rn.add_argument("--args", default="", help="extra hpocr ocr options for the single run")
    rn.add_argument("--config", action="append", metavar="NAME=ARGS",
                    help="an hpocr run with these options (repeatable; replaces --name/--args)")
    rn.add_argument("--pred", action=Ordered, metavar="PRED.json",
                    help="predictions {file: [{text, poly}]} to score too (repeatable)")
    rn.add_argument("--no-hpocr", action="store_true", help="score only the --pred files")
    rn.add_argument("--keep", metavar="DIR", help="keep hpocr's results in DIR/<name>")
    rn.add_argument("--errors", type=int, default=0, metavar="N", help="print N misread lines per system")
    rn.add_argument("--json", metavar="OUT.json", help="write the numbers")
    rn.set_defaults(ordered=None)
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.out_dir, args.seed, args.count)
    else:
        run(args)


if __name__ == "__main__":
    main()
