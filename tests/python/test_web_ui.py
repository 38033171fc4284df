"""The web page of `hpocr serve` (GET /) in a real browser: headless Chromium driven by Selenium loads the page
from a running server, uploads rendered images and a PDF with known text, and checks what a user sees: the
boxes drawn over the page, the texts with scores, PDF page navigation, the JSON download (equal to the API's
own answer for the same file), hover/click linking, copy-all-text, drag and drop, the server's error messages
(400, 413, 422, 503) and a phone-sized window.

Needs chromium, chromium-driver and python3-selenium (scripts/setup.sh installs them); the module skips only
when one of them is absent. HPOCR_WEB_UI_SCREENSHOT=path also saves a screenshot of the page with a result
(the README's docs/images/web_ui.png is made this way).
"""

import base64
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import threading
import urllib.error
import urllib.request

import numpy as np
import pytest

from conftest import make_pdf

webdriver = pytest.importorskip("selenium.webdriver", reason="python3-selenium not installed (scripts/setup.sh)")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

PIL = pytest.importorskip("PIL", reason="python3-pil not installed (scripts/setup.sh)")
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if not CHROMIUM or not CHROMEDRIVER:
    pytest.skip("chromium and chromium-driver not installed (scripts/setup.sh)", allow_module_level=True)

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"
LINES = ["HELLO WORLD 2026", "Invoice 7741", "Total: 1234.56"]
PAGE2 = ["Second page", "PAGE TWO 222"]
WAIT = 300  # seconds: generous, CI runs on a loaded machine (the wait ends as soon as the page is ready)
MAX_PIXELS = 4_000_000
MAX_BODY = 2_000_000
DEFAULT_MODELS = ["PP-OCRv4_mobile_det", "PP-OCRv4_mobile_rec", "ch_ppocr_mobile_v2.0_cls"]


def models_installed() -> bool:
    home = pathlib.Path(os.environ.get("HPOCR_HOME") or pathlib.Path.home() / ".cache" / "hpocr")
    return all((home / "models" / name / "inference.onnx").is_file() for name in DEFAULT_MODELS)


def render(lines, size=(720, 270)) -> Image.Image:
    """Black text on white, one line per 80 px."""
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 40)
    for i, text in enumerate(lines):
        draw.text((30, 25 + i * 80), text, fill="black", font=font)
    return img


def squash(text: str) -> str:
    """Spaces removed: the recogniser may drop or add them between Latin words."""
    return re.sub(r"\s+", "", text)


class Server:
    """`hpocr serve --port 0` as a child process."""

    def __init__(self, cli, *args):
        self.proc = subprocess.Popen([cli, "serve", "--port", "0", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.output = []
        self.port = None
        found = threading.Event()

        def read():
            for line in self.proc.stdout:
                self.output.append(line)
                m = re.search(r"listening on http://[^:]+:(\d+)", line)
                if m and self.port is None:
                    self.port = int(m.group(1))
                    found.set()
            found.set()

        threading.Thread(target=read, daemon=True).start()
        found.wait(WAIT)
        if self.port is None:
            self.stop()
            pytest.fail("hpocr serve did not start:\n" + "".join(self.output))
        self.url = f"http://127.0.0.1:{self.port}"

    def post(self, body: dict):
        """(status, parsed JSON) of POST /ocr."""
        req = urllib.request.Request(self.url + "/ocr", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=WAIT) as res:
                return res.status, json.loads(res.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def server(cli):
    if not models_installed():
        pytest.skip("default models not installed: run scripts/setup.sh")
    s = Server(cli, "--workers", "1", "--max_image_pixels", str(MAX_PIXELS), "--max_body_bytes", str(MAX_BODY))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1200,860",
                "--lang=en-US"]:
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.set_script_timeout(WAIT)
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("web_ui_files")
    out = {"png": d / "hello.png", "pdf": d / "two_pages.pdf", "txt": d / "notes.txt", "huge": d / "huge.png",
           "noise": d / "noise.png"}
    render(LINES).save(out["png"])
    pages = [np.asarray(render(LINES))[:, :, ::-1], np.asarray(render(PAGE2))[:, :, ::-1]]  # BGR as make_pdf wants
    out["pdf"].write_bytes(make_pdf(pages))
    out["txt"].write_text("this is not an image\n")
    Image.new("L", (2500, 2000), 255).save(out["huge"])  # 5 MP > MAX_PIXELS, a few KB of PNG
    rng = np.random.default_rng(7)
    Image.fromarray(rng.integers(0, 256, (700, 1000, 3), dtype=np.uint8)).save(out["noise"])  # base64 > MAX_BODY
    assert out["noise"].stat().st_size * 4 / 3 > MAX_BODY
    return out


def b64(path) -> str:
    return base64.b64encode(pathlib.Path(path).read_bytes()).decode("ascii")


def state(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").get_attribute("data-state")


def upload(driver, server, path, expect="done"):
    """Loads the page, chooses `path` in its file input (the page runs OCR at once) and waits for the answer."""
    driver.get(server.url + "/")
    WebDriverWait(driver, WAIT).until(lambda d: state(d) == "idle" and d.execute_script("return document.readyState") == "complete")
    driver.find_element(By.ID, "file").send_keys(str(path))
    WebDriverWait(driver, WAIT).until(lambda d: state(d) in ("done", "error"))
    if state(driver) != expect:
        pytest.fail(f"page state {state(driver)!r}, expected {expect!r}: status {driver.find_element(By.ID, 'status').text!r}, "
                    f"error {driver.find_element(By.ID, 'error').text!r}\nserver:\n{''.join(server.output[-20:])}")


def shown_texts(driver):
    return [li.find_element(By.CLASS_NAME, "text").text for li in driver.find_elements(By.CSS_SELECTOR, "#texts li")]


def boxes(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#overlay polygon.box")


def same_answer(got: dict, want: dict):
    """Two POST /ocr answers agree: everything but logId, scores to 1e-5."""
    assert got["errorCode"] == 0 and want["errorCode"] == 0
    assert got["result"]["dataInfo"] == want["result"]["dataInfo"]
    assert len(got["result"]["ocrResults"]) == len(want["result"]["ocrResults"])
    for g, w in zip(got["result"]["ocrResults"], want["result"]["ocrResults"]):
        g, w = dict(g["prunedResult"]), dict(w["prunedResult"])
        assert g["rec_texts"] == w["rec_texts"]
        assert g["rec_polys"] == w["rec_polys"]
        np.testing.assert_allclose(g.pop("rec_scores"), w.pop("rec_scores"), rtol=0, atol=1e-5)
        assert g == w


def test_image_boxes_texts_and_json_download(server, browser, files, downloads):
    api_status, api = server.post({"file": b64(files["png"]), "fileType": 1, "visualize": False})
    assert api_status == 200, api
    api_texts = api["result"]["ocrResults"][0]["prunedResult"]["rec_texts"]
    assert squash(" ".join(api_texts)) == squash(" ".join(LINES)), api_texts

    upload(browser, server, files["png"])
    assert shown_texts(browser) == api_texts
    assert len(boxes(browser)) == len(api_texts)
    scores = [float(s.text) for s in browser.find_elements(By.CSS_SELECTOR, "#texts .score")]
    np.testing.assert_allclose(scores, api["result"]["ocrResults"][0]["prunedResult"]["rec_scores"], atol=1e-3)
    # The boxes lie where the API put them (SVG user units are image pixels).
    first = boxes(browser)[0].get_attribute("points").split()
    want = api["result"]["ocrResults"][0]["prunedResult"]["rec_polys"][0]
    assert [[float(v) for v in p.split(",")] for p in first] == want
    assert browser.find_element(By.ID, "page-image").get_attribute("src").startswith("blob:")
    assert not browser.find_element(By.ID, "pager").is_displayed()  # one page: no navigation
    assert "OCR" in browser.find_element(By.ID, "timings").text
    assert "round trip" in browser.find_element(By.ID, "timings").text

    # Hovering a box highlights its text; clicking a text highlights its box.
    ActionChains(browser).move_to_element(boxes(browser)[1]).perform()
    WebDriverWait(browser, WAIT).until(
        lambda d: "active" in d.find_elements(By.CSS_SELECTOR, "#texts li")[1].get_attribute("class"))
    browser.find_elements(By.CSS_SELECTOR, "#texts li")[2].click()
    WebDriverWait(browser, WAIT).until(
        lambda d: "active" in (d.find_element(By.CSS_SELECTOR, '#overlay polygon.box[data-index="2"]').get_attribute("class") or ""))

    # Download JSON: the file is the API's answer.
    for old in downloads.glob("*"):
        old.unlink()
    browser.find_element(By.ID, "download").click()
    target = downloads / "hello_ocr.json"
    WebDriverWait(browser, WAIT).until(lambda d: target.is_file() and not list(downloads.glob("*.crdownload")))
    WebDriverWait(browser, WAIT).until(lambda d: target.stat().st_size > 0 and _parses(target))
    same_answer(json.loads(target.read_text()), api)

    # Copy all text: the clipboard holds the texts, one per line.
    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": server.url, "permissions": ["clipboardReadWrite",
                                                                                                "clipboardSanitizedWrite"]})
    browser.find_element(By.ID, "copy").click()
    WebDriverWait(browser, WAIT).until(lambda d: "Copied" in d.find_element(By.ID, "status").text
                                       or "Could not" in d.find_element(By.ID, "status").text)
    assert "Copied" in browser.find_element(By.ID, "status").text, browser.find_element(By.ID, "status").text
    clip = browser.execute_async_script("const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('ERR ' + e));")
    assert clip == "\n".join(api_texts)



def _parses(path) -> bool:
    try:
        json.loads(path.read_text())
        return True
    except ValueError:
        return False


def test_pdf_pages_can_be_navigated(server, browser, files):
    api_status, api = server.post({"file": b64(files["pdf"]), "fileType": 0, "visualize": False})
    assert api_status == 200, api
    per_page = [r["prunedResult"]["rec_texts"] for r in api["result"]["ocrResults"]]
    assert len(per_page) == 2
    assert squash(" ".join(per_page[1])) == squash(" ".join(PAGE2)), per_page

    upload(browser, server, files["pdf"])
    pager = browser.find_element(By.ID, "pager")
    assert pager.is_displayed()
    assert browser.find_element(By.ID, "page-label").text == "Page 1 / 2"
    assert browser.find_element(By.ID, "prev").get_attribute("disabled") is not None
    assert shown_texts(browser) == per_page[0]
    assert len(boxes(browser)) == len(per_page[0])
    first_image = browser.find_element(By.ID, "page-image").get_attribute("src")
    assert first_image.startswith("data:image/jpeg;base64,")  # the server's render of the PDF page

    browser.find_element(By.ID, "next").click()
    WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.ID, "page-label").text == "Page 2 / 2")
    assert shown_texts(browser) == per_page[1]
    assert len(boxes(browser)) == len(per_page[1])
    assert browser.find_element(By.ID, "page-image").get_attribute("src") != first_image
    assert browser.find_element(By.ID, "next").get_attribute("disabled") is not None

    browser.find_element(By.ID, "prev").click()
    WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.ID, "page-label").text == "Page 1 / 2")
    assert shown_texts(browser) == per_page[0]

    shot = os.environ.get("HPOCR_WEB_UI_SCREENSHOT")
    if shot:  # the README's picture: a PDF, its first page, one line selected
        browser.find_elements(By.CSS_SELECTOR, "#texts li")[0].click()
        ActionChains(browser).move_to_element(browser.find_element(By.ID, "timings")).perform()
        pathlib.Path(shot).parent.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(shot)


def test_options_reach_the_server(server, browser, files):
    """Word boxes on, and a box threshold: the page's request carries them (the answer echoes them back)."""
    browser.get(server.url + "/")
    WebDriverWait(browser, WAIT).until(lambda d: state(d) == "idle")
    browser.find_element(By.CSS_SELECTOR, "#options summary").click()
    browser.find_element(By.ID, "returnWordBox").click()
    browser.find_element(By.ID, "textDetBoxThresh").send_keys("0.7")
    browser.find_element(By.ID, "file").send_keys(str(files["png"]))
    WebDriverWait(browser, WAIT).until(lambda d: state(d) in ("done", "error"))
    assert state(browser) == "done", browser.find_element(By.ID, "error").text
    words = browser.find_elements(By.CSS_SELECTOR, "#texts .words")
    assert len(words) == len(LINES) and "HELLO" in words[0].text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#overlay polygon.word")) >= 6
    # A bad value gets the server's 422 message, naming the field.
    browser.find_element(By.ID, "textDetBoxThresh").clear()
    browser.find_element(By.ID, "textDetBoxThresh").send_keys("1.5")
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, WAIT).until(lambda d: state(d) == "error")
    error = browser.find_element(By.ID, "error").text
    assert "422" in error and "textDetBoxThresh" in error, error


@pytest.mark.parametrize("name, status, api_file_type", [("txt", 400, 1), ("huge", 413, 1), ("noise", 413, 1)])
def test_errors_show_the_servers_message(server, browser, files, name, status, api_file_type):
    if name == "noise":
        # Over --max_body_bytes: httplib reads and drops the body, then answers 413 with our JSON.
        expected = f"request body too large: the limit is {MAX_BODY} bytes (--max_body_bytes)"
    else:
        api_status, api = server.post({"file": b64(files[name]), "fileType": api_file_type})
        assert api_status == status, api
        expected = api["errorMsg"]
    upload(browser, server, files[name], expect="error")
    error = browser.find_element(By.ID, "error")
    assert error.is_displayed()
    assert f"({status})" in error.find_element(By.TAG_NAME, "strong").text
    assert error.find_element(By.CLASS_NAME, "error-msg").text == expected
    assert error.get_attribute("role") == "alert"


def test_dropped_file_is_read(server, browser, files):
    browser.get(server.url + "/")
    WebDriverWait(browser, WAIT).until(lambda d: state(d) == "idle")
    browser.execute_script("""
        const [data, name] = arguments;
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name, {type: "image/png"}));
        const target = document.getElementById("drop");
        for (const type of ["dragenter", "dragover", "drop"])
          target.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));""",
                           b64(files["png"]), "dropped.png")
    WebDriverWait(browser, WAIT).until(lambda d: state(d) in ("done", "error"))
    assert state(browser) == "done", browser.find_element(By.ID, "error").text
    assert "dropped.png" in browser.find_element(By.ID, "file-name").text
    assert squash(" ".join(shown_texts(browser))) == squash(" ".join(LINES))


def test_busy_server_shows_503(cli, browser, files, tmp_path):
    """A server with no queue (--max_queue 0) and its one worker busy with a long PDF answers the page 503."""
    if not models_installed():
        pytest.skip("default models not installed: run scripts/setup.sh")
    busy = Server(cli, "--workers", "1", "--max_queue", "0", "--cpu_threads", "1")
    try:
        page = np.asarray(render(LINES))[:, :, ::-1]
        # Pages upscaled for detection (shorter side to 1500 px): ~2 s each on one idle thread, small to send.
        long_pdf = make_pdf([page] * 3)
        answers = []
        worker = threading.Thread(target=lambda: answers.append(
            busy.post({"file": base64.b64encode(long_pdf).decode("ascii"), "fileType": 0, "visualize": False,
                       "textDetLimitSideLen": 1500, "textDetLimitType": "min"})))
        worker.start()

        def in_progress(_):
            with urllib.request.urlopen(busy.url + "/metrics", timeout=WAIT) as res:
                return re.search(r"^hpocr_ocr_in_progress 1$", res.read().decode(), re.M) is not None

        WebDriverWait(browser, WAIT, poll_frequency=0.05).until(in_progress)
        upload(browser, busy, files["png"], expect="error")
        still_busy = worker.is_alive()
        error = browser.find_element(By.ID, "error")
        worker.join(WAIT)
        assert answers and answers[0][0] == 200
        assert still_busy, "the long request ended before the page's: no 503 to show"
        assert "(503)" in error.find_element(By.TAG_NAME, "strong").text
        assert "server busy" in error.find_element(By.CLASS_NAME, "error-msg").text
    finally:
        busy.stop()


def test_phone_sized_window(server, browser, files):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 375, "height": 740, "deviceScaleFactor": 2, "mobile": True})
    try:
        upload(browser, server, files["png"])
        width = browser.execute_script("return window.innerWidth")
        assert width == 375
        # Nothing sticks out sideways, and the list sits below the image (one column).
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
        stage = browser.find_element(By.ID, "stage").rect
        texts = browser.find_element(By.ID, "texts").rect
        assert texts["y"] >= stage["y"] + stage["height"] - 1
        assert stage["x"] + stage["width"] <= width
        assert len(boxes(browser)) == len(shown_texts(browser)) == len(LINES)
        # Every control has a label a screen reader can read.
        unlabelled = browser.execute_script("""
            return [...document.querySelectorAll('input, select')].filter(e =>
                !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id);""")
        assert unlabelled == []
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
