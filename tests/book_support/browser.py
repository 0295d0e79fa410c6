"""Serving the built book on 127.0.0.1 and checking its pages in Debian's Chromium.

Used by tests/test_book.py. :func:`check_page` visits one page and returns a list of the
problems found (empty when the page is fine), so that one test can report every page at once.
"""

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def launched_chromium(**options):
    """Debian's Chromium, headless, through Playwright (``options``: e.g. a launch
    ``timeout``); closed afterwards. One Playwright at a time: use it in module-scoped fixtures."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, **options)
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's signature)
        pass


@contextmanager
def serve(directory):
    """Serve ``directory`` over HTTP on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class PageWatcher:
    """Records, for the page being visited, console errors, failed requests and every request
    to another host (which is aborted: the book must work offline)."""

    def __init__(self, context, base_url):
        self.base_url = base_url
        self.problems = []
        context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base_url):
            route.continue_()
        else:
            self.problems.append(f"request leaving 127.0.0.1: {url}")
            route.abort()

    def watch(self, page):
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

    def _failed(self, request):
        # Aborted foreign requests are reported above. The browser asks for the favicon after
        # the page has loaded, and cancels the request when the walk moves on to the next page.
        cancelled_favicon = request.failure == "net::ERR_ABORTED" and "/favicon." in request.url
        if request.url.startswith(self.base_url) and not cancelled_favicon:
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def take(self):
        problems, self.problems = self.problems, []
        return problems


# Images that did not load, and images of the page's content without alt text.
_IMAGES_JS = """() => Array.from(document.images).flatMap(img => {
    const out = [];
    if (!img.complete || img.naturalWidth === 0) out.push("image did not load: " + img.src);
    if (img.closest("article") && !(img.getAttribute("alt") || "").trim())
        out.push("image without alt text: " + img.src);
    return out;
})"""

# Math: wait for MathJax, then every math element must hold MathJax output, and no raw TeX
# delimiters may be left in the visible text.
_MATH_JS = """async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
    const out = [];
    const maths = document.querySelectorAll("article .math");
    if (maths.length && !window.MathJax) out.push("math on the page but MathJax not loaded");
    maths.forEach((el, i) => {
        if (!el.querySelector("mjx-container")) out.push("math not rendered: " + el.textContent.slice(0, 60));
    });
    const text = document.body.innerText;
    for (const raw of ["$$", "\\\\(", "\\\\)", "\\\\[", "\\\\]", "\\\\frac"])
        if (text.includes(raw)) out.push("raw TeX left in the visible text: " + raw);
    return out;
}"""


# Text cut at a box's edge: a code listing or an output whose content is wider than its box.
# Outputs and listings wrap (book/_static/book.css); a box that still overflows hides the end of
# its lines (an error message, a formula) unless the reader finds a scrollbar. Checked on the
# <pre> elements of the content and on the output areas and explorers around them.
_CUT_TEXT_JS = """() => {
    const out = [];
    const boxes = document.querySelectorAll(
        "article pre, article .cell_output, article .output, article .sx, article .sx-view");
    boxes.forEach(el => {
        if (el.getClientRects().length === 0) return;        // not displayed (closed toggle)
        if (el.scrollWidth > el.clientWidth + 1) {
            const what = el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ")[0] : "");
            const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
            out.push(`${what} cuts its text (${el.scrollWidth} px of content in ${el.clientWidth} px): ${text}`);
        }
    });
    return out;
}"""


def cut_text(page):
    """Boxes of the content (code, outputs, explorers) whose text is wider than the box."""
    return page.evaluate(_CUT_TEXT_JS)


# The explorers on a narrow screen: when the grids wrap onto a new line, the next line starts
# close under the previous one (no large empty band between an input and its output).
_EXPLORER_GAPS_JS = """(limit) => {
    const out = [];
    document.querySelectorAll(".sx").forEach(box => {
        const name = (box.querySelector(".sx-title") || {}).textContent || "explorer";
        const grids = Array.from(box.querySelectorAll(".sx-grid"));
        let rowBottom = null;
        grids.forEach((grid, i) => {
            const content = Array.from(grid.children).map(c => c.getBoundingClientRect());
            const top = Math.min(...content.map(r => r.top));
            const bottom = Math.max(...content.map(r => r.bottom));
            if (rowBottom !== null && top > rowBottom) {
                const gap = top - rowBottom;
                if (gap > limit) out.push(`explorer ${JSON.stringify(name)}: ${Math.round(gap)} px of empty space above grid ${i} (at most ${limit})`);
            }
            rowBottom = rowBottom === null || top > rowBottom ? bottom : Math.max(rowBottom, bottom);
        });
    });
    return out;
}"""


def explorer_gaps(page, limit=24):
    """Vertical gaps larger than ``limit`` pixels between wrapped rows of an explorer's grids."""
    return page.evaluate(_EXPLORER_GAPS_JS, limit)


# Every <details> of the content, in one call (a Playwright click per toggle cost 7 s of a
# 22 s walk): brought into view, its summary must be the element at its centre (not covered
# by another, as a reader's click would find it), and a click there must open it and show
# what it holds.
_TOGGLES_JS = """() => {
    const problems = [];
    for (const details of document.querySelectorAll("article details")) {
        const summary = details.querySelector(":scope > summary");
        const label = summary ? summary.innerText.trim().slice(0, 40) : "";
        if (!summary) { problems.push("a toggle without a summary to click"); continue; }
        summary.scrollIntoView({block: "center"});
        const box = summary.getBoundingClientRect();
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        if (!hit || !summary.contains(hit)) {
            problems.push(`toggle '${label}' is covered by another element`);
            continue;
        }
        hit.click();
        const shown = Array.from(details.children).some(
            c => c.tagName !== "SUMMARY" && c.getBoundingClientRect().height > 0);
        if (!details.open || !shown) problems.push(`toggle '${label}' did not open when clicked`);
    }
    return problems;
}"""


def _check_toggles(page):
    """Every <details> of the content (answers, hidden code) opens when its summary is clicked."""
    return page.evaluate(_TOGGLES_JS)


# Move an explorer control (a range input or a select) to choice i, as a reader's input does.
_CHOOSE_JS = """(control, i) => {
    if (control.tagName === "SELECT") control.selectedIndex = i; else control.value = String(i);
    control.dispatchEvent(new Event("input", {bubbles: true}));
}"""

# An explorer's controls, each moved one choice on and back (the view is redrawn at once, in
# the input event): the names of those that left the view unchanged.
_CONTROLS_JS = """box => {
    const choose = """ + _CHOOSE_JS + """;
    const view = box.querySelector(".sx-view"), dead = [];
    for (const control of box.querySelectorAll("[data-control]")) {
        const select = control.tagName === "SELECT";
        const current = select ? control.selectedIndex : Number(control.value);
        const count = select ? control.options.length : Number(control.max) + 1;
        if (count < 2) continue;  // a control with a single choice cannot change anything
        const before = view.innerHTML;
        choose(control, (current + 1) % count);
        if (view.innerHTML === before) dead.push(control.getAttribute("data-control"));
        choose(control, current);
    }
    return dead;
}"""


def _set_control(control, index):
    """Move an explorer control (a range input or a select) to choice ``index``."""
    control.evaluate(_CHOOSE_JS, index)


def _check_explorers(page):
    """Each explorer is live: every control changes the view, the step slider and the play
    button change the caption."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    problems = []
    explorers = page.locator(".sx")
    for e in range(explorers.count()):
        box = explorers.nth(e)
        name = box.locator(".sx-title").inner_text()
        if box.get_attribute("data-ready") != "1":
            problems.append(f"explorer {name!r} did not start")
            continue
        view = box.locator(".sx-view")
        if not view.inner_text().strip():
            problems.append(f"explorer {name!r} shows an empty view")
        for control in box.evaluate(_CONTROLS_JS):
            problems.append(f"explorer {name!r}: control {control!r} did not change the view")
        steps = box.locator(".sx-steps")
        if steps.is_visible():
            caption = box.locator(".sx-caption")
            step = box.locator(".sx-step")
            first = caption.inner_text()
            _set_control(step, int(step.get_attribute("max")))
            if caption.inner_text() == first:
                problems.append(f"explorer {name!r}: the step slider did not change the caption")
            before = caption.inner_text()
            play = box.locator(".sx-play")
            play.click()
            try:  # the next step's caption, within a few of the animation's steps
                page.wait_for_function("([el, before]) => el.innerText !== before", arg=[caption.element_handle(), before], timeout=3000)
            except PlaywrightTimeoutError:
                problems.append(f"explorer {name!r}: play did not advance the steps")
            play.click()
    return problems


def check_page(page, watcher, url, screenshot=None):
    """Visit ``url``; return the problems found (console errors, failed or foreign requests,
    images, math, text cut at a box's edge, toggles, explorers). Saves a full-page screenshot
    to ``screenshot``."""
    page.goto(url, wait_until="load")  # the page, its scripts, styles and images
    # Web fonts may still be arriving (they change where text wraps); MathJax's typesetting is
    # awaited by _MATH_JS. Waiting for the network to be idle instead costs 0.5 s a page.
    page.evaluate("() => document.fonts.ready.then(() => true)")
    problems = []
    if page.locator(".sx").count():
        try:
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('.sx')).every(e => e.dataset.ready === '1')",
                timeout=10_000,
            )
        except Exception:  # reported per explorer below
            pass
    problems += page.evaluate(_IMAGES_JS)
    problems += page.evaluate(_MATH_JS)
    problems += cut_text(page)
    if screenshot is not None:
        Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    problems += _check_toggles(page)
    problems += _check_explorers(page)
    page.wait_for_timeout(100)  # let late console messages and requests arrive
    return problems + watcher.take()


# --- Hostile pages (tests/test_grading_browser.py): did anything a student wrote run? -------

# The marker every hostile payload of solutions/*/cases/xss_*.py leaves when it runs: it
# sets window.__pwned (and window.top.__pwned), logs "PWNED ...", PUTs pwned-<label>.txt
# through Jupyter's contents API and requests an image whose URL holds PWNED.
PWNED = "PWNED"

# Run in every frame: the frame's window.__pwned, and the payloads still live in its DOM that
# a click (or a later event) would run: event-handler attributes, javascript:/data: URLs in
# links, frames and forms, scripts and srcdoc frames holding a payload.
_DORMANT_JS = """() => {
    const found = [];
    const payload = /__pwned|PWNED|atob\\(/;
    const short = s => String(s).replace(/\\s+/g, " ").slice(0, 120);
    for (const el of document.querySelectorAll("*")) {
        const tag = el.tagName.toLowerCase();
        for (const a of Array.from(el.attributes)) {
            const name = a.name.toLowerCase(), value = a.value;
            if (name.startsWith("on") && payload.test(value))
                found.push(`<${tag} ${name}="${short(value)}">`);
            else if (["href", "src", "action", "formaction", "data", "xlink:href", "background", "poster"].includes(name)
                     && /^\\s*(javascript|vbscript):/i.test(value) && payload.test(value))
                found.push(`<${tag} ${name}="${short(value)}">`);
            else if (["href", "src", "data"].includes(name) && ["iframe", "object", "embed", "a", "frame"].includes(tag)
                     && /^\\s*data:(text\\/html|image\\/svg|application\\/xhtml)/i.test(value))
                found.push(`<${tag} ${name}="${short(value)}">`);
            else if (name === "srcdoc" && payload.test(value))
                found.push(`<${tag} srcdoc="${short(value)}">`);
        }
        if (tag === "script" && payload.test(el.textContent))
            found.push(`<script>${short(el.textContent)}</script>`);
    }
    let pwned = null;
    try { if (window.__pwned !== undefined) pwned = String(window.__pwned); } catch (e) {}
    return {pwned, dormant: found, url: location.href};
}"""


class HostileWatcher:
    """Evidence that a hostile page ran something, for every page of one browser context.

    Records console messages holding PWNED, dialogs, and every request whose URL holds PWNED
    or targets /api/contents/pwned. Requests to anything but ``allowed_prefixes`` are aborted,
    so nothing reaches another host, and listed in ``foreign`` (the pages' own, such as
    MathJax from a CDN, are not the student's doing; a payload's URL holds PWNED); the allowed
    ones go through, so that a payload that does run really writes its file (the test then
    finds it). :meth:`inspect` adds, frame by frame,
    window.__pwned and the payloads left live in the DOM. ``take`` returns and clears it all.
    """

    def __init__(self, context, allowed_prefixes=("file:", "http://127.0.0.1:", "data:", "about:", "blob:")):
        self.allowed = tuple(allowed_prefixes)
        self.problems = []
        self.requests = []  # every URL requested, for the report
        self.foreign = []  # URLs outside allowed_prefixes (aborted)
        context.route("**/*", self._route)
        context.on("request", self._request)
        context.on("page", self.watch)
        for page in context.pages:
            self.watch(page)

    @staticmethod
    def _hostile_url(url):
        return PWNED in url or "/api/contents/pwned" in url.lower()

    def _route(self, route):
        url = route.request.url
        if not url.startswith(self.allowed):
            route.abort()
        else:
            route.continue_()

    def _request(self, request):
        url = request.url
        self.requests.append(url)
        if self._hostile_url(url):
            self.problems.append(f"request {request.method} {url[:160]}")
        elif not url.startswith(self.allowed):
            self.foreign.append(url)

    def watch(self, page):
        page.on("console", lambda m: PWNED in m.text and self.problems.append(f"console: {m.text[:160]}"))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.problems.append(f"dialog ({dialog.type}): {dialog.message[:160]}")
        try:
            dialog.dismiss()
        except Exception:  # the page may already be gone
            pass

    def inspect(self, page, settle_ms=1500):
        """Wait for late payloads, then look into every frame of ``page``."""
        page.wait_for_timeout(settle_ms)
        for frame in page.frames:
            try:
                seen = frame.evaluate(_DORMANT_JS)
            except Exception as error:  # a frame that went away, or one that refuses scripts
                seen = {"pwned": None, "dormant": [], "url": f"{frame.url} (not inspected: {str(error)[:80]})"}
            if seen["pwned"] is not None:
                self.problems.append(f"window.__pwned = {seen['pwned']!r} in frame {seen['url'][:100]}")
            for item in seen["dormant"]:
                self.problems.append(f"live payload in frame {seen['url'][:60]}: {item}")

    def take(self):
        problems, self.problems = self.problems, []
        return problems
