"""One pipeline object used from several Python threads; inference releases the GIL."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import LINES, import_hpocr, same_ocr

hpocr = import_hpocr()


def test_four_threads_share_one_pipeline(ocr, page, page_path, page_result):
    inputs = [page, page_path, page[:, :, 0], page] * 3

    def work(item):
        return ocr.predict(item)[0]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, inputs))
    for r in results:
        same_ocr(r, page_result)


def test_threads_with_different_inputs(ocr, page):
    small = hpocr._hpocr._render_lines(["42"], 40)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(ocr.predict, page if i % 2 else small) for i in range(8)]
        texts = [f.result()[0]["rec_texts"] for f in futures]
    assert texts == [["42"] if i % 2 == 0 else LINES for i in range(8)]


def test_gil_is_released_during_inference(ocr, page):
    big = hpocr._hpocr._render_lines(LINES * 6, 48)
    done = threading.Event()
    elapsed = []

    def run():
        start = time.perf_counter()
        ocr.predict(big)
        elapsed.append(time.perf_counter() - start)
        done.set()

    worker = threading.Thread(target=run)
    ticks = 0
    worker.start()
    while not done.is_set():  # needs the GIL for every iteration
        ticks += 1
        time.sleep(0.001)
    worker.join()
    # With the GIL held for the whole inference the loop could not advance while it ran.
    assert ticks >= max(3, elapsed[0] * 1000 / 20), (ticks, elapsed)
