// hpocr serve: the web page. Plain JavaScript, no libraries: it reads the chosen file, POSTs it to /ocr as
// the PaddleX serving API expects (base64 in `file`), and shows the answer: the page with its text boxes, the
// texts with their scores, pages of a PDF, timings, and the server's errorMsg when it refuses.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const el = {
    form: $("form"), drop: $("drop"), file: $("file"), fileName: $("file-name"), run: $("run"), status: $("status"),
    error: $("error"), results: $("results"), pager: $("pager"), prev: $("prev"), next: $("next"),
    pageLabel: $("page-label"), copy: $("copy"), download: $("download"), timings: $("timings"), stage: $("stage"),
    img: $("page-image"), overlay: $("overlay"), imageNote: $("image-note"), texts: $("texts"), empty: $("empty"),
  };
  const SVG = "http://www.w3.org/2000/svg";
  // Formats the browser can show by itself; for the others (TIFF, PNM) and PDFs the server returns the page
  // image (`visualize: true` → inputImage).
  const BROWSER_IMAGES = new Set(["image/png", "image/jpeg", "image/webp", "image/bmp", "image/gif"]);
  const NUMBER_FIELDS = ["textDetThresh", "textDetBoxThresh", "textDetUnclipRatio", "textDetLimitSideLen", "textRecScoreThresh"];

  let file = null;         // the chosen File
  let localUrl = null;     // object URL of the chosen image (shown when the browser can decode it)
  let answer = null;       // the parsed answer of the last successful request
  let answerText = "";     // ... and its text, downloaded as it came
  let page = 0;            // index into answer.result.ocrResults
  let pinned = -1;         // the box/text selected by a click or keyboard focus
  let controller = null;   // aborts a request superseded by a newer one

  function setState(state, message) {
    document.body.dataset.state = state;
    el.status.textContent = message;
  }

  function showError(title, message) {
    el.error.replaceChildren();
    const strong = document.createElement("strong");
    strong.textContent = title;
    const text = document.createElement("span");
    text.className = "error-msg";
    text.textContent = message;
    el.error.append(strong, text);
    el.error.hidden = false;
  }

  function hideError() {
    el.error.hidden = true;
    el.error.replaceChildren();
  }

  function formatBytes(n) {
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
    return `${(n / 1024 / 1024).toFixed(1)} MB`;
  }

  function formatMs(ms) {
    return ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
  }

  // ---------------------------------------------------------------- choosing a file

  function choose(f) {
    if (!f) return;
    file = f;
    if (localUrl) URL.revokeObjectURL(localUrl);
    localUrl = null;
    el.fileName.textContent = `${f.name} (${formatBytes(f.size)})`;
    el.run.disabled = false;
    run();
  }

  el.file.addEventListener("change", () => choose(el.file.files[0]));

  // Drops anywhere on the page count: a missed drop would otherwise make the browser open the file instead.
  let dragDepth = 0;
  document.addEventListener("dragenter", (e) => {
    e.preventDefault();
    dragDepth++;
    el.drop.classList.add("dragging");
  });
  document.addEventListener("dragleave", () => {
    if (--dragDepth <= 0) {
      dragDepth = 0;
      el.drop.classList.remove("dragging");
    }
  });
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    dragDepth = 0;
    el.drop.classList.remove("dragging");
    const files = e.dataTransfer && e.dataTransfer.files;
    if (files && files.length) choose(files[0]);
  });

  el.form.addEventListener("submit", (e) => {
    e.preventDefault();
    run();
  });

  // ---------------------------------------------------------------- the request

  /// The optional parameters, camelCase as the API names them; empty fields are left out (server defaults).
  function parameters() {
    const out = {};
    for (const id of NUMBER_FIELDS) {
      const input = $(id);
      if (input.validity.badInput) throw new Error(`${id}: "${input.labels[0].textContent.trim()}" is not a number`);
      if (input.value !== "") out[id] = Number(input.value);
    }
    const limitType = $("textDetLimitType").value;
    if (limitType) out.textDetLimitType = limitType;
    const orientation = $("useTextlineOrientation").value;
    if (orientation) out.useTextlineOrientation = orientation === "true";
    if ($("returnWordBox").checked) out.returnWordBox = true;
    return out;
  }

  function readBase64(f) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => {
        const url = reader.result;
        resolve(url.slice(url.indexOf(",") + 1));  // the data URL's base64 part
      };
      reader.onerror = () => reject(reader.error || new Error("the file could not be read"));
      reader.readAsDataURL(f);
    });
  }

  async function isPdf(f) {
    const head = await f.slice(0, 5).text();
    return head === "%PDF-";
  }

  function errorTitle(status) {
    switch (status) {
      case 400: return "The server could not read this file (400)";
      case 413: return "Too large for this server (413)";
      case 415: return "Unsupported request (415)";
      case 422: return "Invalid request (422)";
      case 500: return "Server error (500)";
      case 503: return "Server busy (503): try again in a moment";
      case 504: return "Timed out (504)";
      default: return `Error ${status}`;
    }
  }

  /// "queue;dur=1.2, ocr;dur=812.0, total;dur=815.3" → {queue: 1.2, ocr: 812, total: 815.3}
  function serverTiming(header) {
    const out = {};
    for (const part of (header || "").split(",")) {
      const m = /^\s*([\w-]+)\s*;\s*dur=([\d.]+)/.exec(part);
      if (m) out[m[1]] = Number(m[2]);
    }
    return out;
  }

  async function run() {
    if (!file) return;
    if (controller) controller.abort();
    const mine = new AbortController();
    controller = mine;
    const chosen = file;
    hideError();
    let body;
    try {
      const pdf = await isPdf(chosen);
      body = Object.assign({ file: await readBase64(chosen), fileType: pdf ? 0 : 1 }, parameters());
      // The page image comes back from the server only when the browser cannot show the file itself.
      const showable = !pdf && BROWSER_IMAGES.has(chosen.type);
      body.visualize = !showable;
      if (showable && !localUrl) localUrl = URL.createObjectURL(chosen);
    } catch (err) {
      if (controller === mine) fail("Could not prepare the request", err.message);
      return;
    }
    if (controller !== mine) return;
    setState("busy", `Running OCR on ${chosen.name}…`);
    const started = performance.now();
    let res, text;
    try {
      res = await fetch("/ocr", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal: mine.signal,
      });
      text = await res.text();
    } catch (err) {
      if (mine.signal.aborted) return;
      fail("No answer from the server",
           `The connection failed (${err.message}). The server may have stopped or restarted; ` +
           "a file larger than the server's --max_body_bytes can also end the connection.");
      return;
    }
    if (controller !== mine) return;
    controller = null;
    const elapsed = performance.now() - started;
    let json = null;
    try {
      json = JSON.parse(text);
    } catch (err) {
      json = null;
    }
    if (!res.ok || !json || json.errorCode !== 0) {
      const message = json && typeof json.errorMsg === "string" ? json.errorMsg : (text.slice(0, 400) || res.statusText);
      fail(errorTitle(res.status), message);
      return;
    }
    answer = json;
    answerText = text;
    const timing = serverTiming(res.headers.get("Server-Timing"));
    const pages = answer.result.ocrResults.length;
    const parts = [`round trip ${formatMs(elapsed)}`];
    if (timing.ocr !== undefined) parts.push(`OCR ${formatMs(timing.ocr)}`);
    if (timing.queue !== undefined) parts.push(`queue ${formatMs(timing.queue)}`);
    parts.push(`sent ${formatBytes(body.file.length)}`);
    el.timings.textContent = parts.join(" · ");
    el.results.hidden = false;
    showPage(0);
    const lines = answer.result.ocrResults.reduce((n, r) => n + r.prunedResult.rec_texts.length, 0);
    setState("done", `${chosen.name}: ${lines} text line${lines === 1 ? "" : "s"}` +
                     (pages > 1 ? ` on ${pages} pages` : "") + ` in ${formatMs(elapsed)}.`);
  }

  function fail(title, message) {
    controller = null;
    // The previous file's results would read as this file's: they go.
    answer = null;
    answerText = "";
    el.results.hidden = true;
    showError(title, message);
    setState("error", "Failed: see the message below.");
  }

  // ---------------------------------------------------------------- showing a page

  function pageSize(i) {
    const info = answer.result.dataInfo || {};
    if (info.type === "pdf" && info.pages && info.pages[i]) return info.pages[i];
    return { width: info.width, height: info.height };
  }

  function polygonPoints(poly) {
    return poly.map((p) => `${p[0]},${p[1]}`).join(" ");
  }

  function showPage(i) {
    const results = answer.result.ocrResults;
    page = Math.max(0, Math.min(i, results.length - 1));
    pinned = -1;
    const item = results[page];
    const r = item.prunedResult;
    const { width, height } = pageSize(page);

    // The image: the server's copy of the page when it sent one, else the local file.
    const src = item.inputImage ? `data:image/jpeg;base64,${item.inputImage}` : localUrl;
    el.stage.classList.toggle("no-image", !src);
    el.imageNote.textContent = src ? "" : "The browser cannot show this file: the boxes are drawn on a blank page.";
    if (src) {
      el.img.width = width;
      el.img.height = height;
      el.img.src = src;
    } else {
      el.img.removeAttribute("src");
    }
    el.img.alt = `Page ${page + 1} with ${r.rec_texts.length} text boxes`;
    el.overlay.setAttribute("viewBox", `0 0 ${width} ${height}`);
    el.overlay.setAttribute("preserveAspectRatio", "none");

    // Boxes: rec_polys (one per text, in the same order), word boxes when returned.
    el.overlay.replaceChildren();
    const polys = r.rec_polys || (r.rec_boxes || []).map(([x1, y1, x2, y2]) => [[x1, y1], [x2, y1], [x2, y2], [x1, y2]]);
    polys.forEach((poly, k) => {
      const p = document.createElementNS(SVG, "polygon");
      p.setAttribute("points", polygonPoints(poly));
      p.setAttribute("class", "box");
      p.dataset.index = k;
      const title = document.createElementNS(SVG, "title");
      title.textContent = r.rec_texts[k];
      p.append(title);
      el.overlay.append(p);
    });
    for (const line of r.text_word_region || []) {
      for (const poly of line) {
        const p = document.createElementNS(SVG, "polygon");
        p.setAttribute("points", polygonPoints(poly));
        p.setAttribute("class", "word");
        el.overlay.append(p);
      }
    }

    // Texts in reading order (the order of the answer), each linked to its box.
    el.texts.replaceChildren();
    r.rec_texts.forEach((t, k) => {
      const li = document.createElement("li");
      li.tabIndex = 0;
      li.dataset.index = k;
      const text = document.createElement("span");
      text.className = "text";
      text.textContent = t;
      const score = document.createElement("span");
      score.className = "score";
      score.textContent = Number(r.rec_scores[k]).toFixed(3);
      score.title = "recognition score";
      li.append(text, score);
      if (r.text_word && r.text_word[k] && r.text_word[k].length) {
        const words = document.createElement("span");
        words.className = "words";
        words.textContent = `words: ${r.text_word[k].join(" · ")}`;
        li.append(words);
      }
      el.texts.append(li);
    });
    el.empty.hidden = r.rec_texts.length > 0;

    el.pager.hidden = results.length < 2;
    el.pageLabel.textContent = `Page ${page + 1} / ${results.length}`;
    el.prev.disabled = page === 0;
    el.next.disabled = page === results.length - 1;
    el.results.dataset.page = page;
  }

  el.prev.addEventListener("click", () => showPage(page - 1));
  el.next.addEventListener("click", () => showPage(page + 1));
  document.addEventListener("keydown", (e) => {
    if (!answer || el.pager.hidden || e.altKey || e.ctrlKey || e.metaKey) return;
    const tag = e.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    if (e.key === "ArrowLeft" && page > 0) showPage(page - 1);
    else if (e.key === "ArrowRight" && page < answer.result.ocrResults.length - 1) showPage(page + 1);
  });

  // ---------------------------------------------------------------- linking boxes and texts

  function highlight(k) {
    for (const node of el.overlay.querySelectorAll("polygon.box.active")) node.classList.remove("active");
    for (const node of el.texts.querySelectorAll("li.active")) node.classList.remove("active");
    if (k < 0) return;
    const box = el.overlay.querySelector(`polygon.box[data-index="${k}"]`);
    const li = el.texts.querySelector(`li[data-index="${k}"]`);
    if (box) {
      box.classList.add("active");
      el.overlay.append(box);  // on top of its neighbours
    }
    if (li) li.classList.add("active");
  }

  function indexOf(target) {
    const node = target.closest && target.closest("[data-index]");
    return node ? Number(node.dataset.index) : -1;
  }

  el.overlay.addEventListener("mouseover", (e) => {
    const k = indexOf(e.target);
    if (k >= 0) highlight(k);
  });
  el.overlay.addEventListener("mouseleave", () => highlight(pinned));
  el.overlay.addEventListener("click", (e) => {
    const k = indexOf(e.target);
    if (k < 0) return;
    pinned = k;
    highlight(k);
    const li = el.texts.querySelector(`li[data-index="${k}"]`);
    if (li) {
      li.focus({ preventScroll: true });
      li.scrollIntoView({ block: "nearest" });
    }
  });
  el.texts.addEventListener("mouseover", (e) => {
    const k = indexOf(e.target);
    if (k >= 0) highlight(k);
  });
  el.texts.addEventListener("mouseleave", () => highlight(pinned));
  el.texts.addEventListener("focusin", (e) => {
    pinned = indexOf(e.target);
    highlight(pinned);
  });
  el.texts.addEventListener("click", (e) => {
    pinned = indexOf(e.target);
    highlight(pinned);
  });
  el.texts.addEventListener("keydown", (e) => {
    const li = e.target.closest("li");
    if (!li) return;
    const next = e.key === "ArrowDown" ? li.nextElementSibling : e.key === "ArrowUp" ? li.previousElementSibling : null;
    if (next) {
      e.preventDefault();
      next.focus();
    }
  });

  // ---------------------------------------------------------------- copy and download

  function allText() {
    return answer.result.ocrResults.map((r) => r.prunedResult.rec_texts.join("\n")).join("\n\n");
  }

  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return;
    }
    // Plain http on another host than localhost is no secure context: the older way still works there.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    if (!ok) throw new Error("the browser refused to copy");
  }

  el.copy.addEventListener("click", async () => {
    if (!answer) return;
    try {
      await copyText(allText());
      el.status.textContent = "Copied all text to the clipboard.";
    } catch (err) {
      el.status.textContent = `Could not copy: ${err.message}`;
    }
  });

  el.download.addEventListener("click", () => {
    if (!answer) return;
    const blob = new Blob([answerText], { type: "application/json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    const base = file ? file.name.replace(/\.[^.]*$/, "") : "result";
    a.download = `${base}_ocr.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  });
})();
