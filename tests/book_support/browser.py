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
        if request.url.startswith(self.base_url):  # aborted foreign requests are reported above
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


def _check_toggles(page):
    """Every <details> of the content (answers, hidden code) opens when its summary is clicked."""
    problems = []
    details = page.locator("article details")
    for i in range(details.count()):
        item = details.nth(i)
        summary = item.locator("summary").first
        label = summary.inner_text().strip()[:40]
        summary.scroll_into_view_if_needed()
        summary.click()
        opened = item.evaluate(
            """d => d.open && Array.from(d.children).some(
                   c => c.tagName !== "SUMMARY" && c.getBoundingClientRect().height > 0)"""
        )
        if not opened:
            problems.append(f"toggle {label!r} did not open when clicked")
    return problems


def _set_control(control, index):
    """Move an explorer control (a range input or a select) to choice ``index``."""
    control.evaluate(
        """(el, i) => {
            if (el.tagName === "SELECT") el.selectedIndex = i; else el.value = String(i);
            el.dispatchEvent(new Event("input", {bubbles: true}));
        }""",
        index,
    )


def _check_explorers(page):
    """Each explorer is live: every control changes the view, the step slider and the play
    button change the caption."""
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
        controls = box.locator("[data-control]")
        for c in range(controls.count()):
            control = controls.nth(c)
            current, count = control.evaluate(
                """el => el.tagName === "SELECT" ? [el.selectedIndex, el.options.length]
                                                 : [Number(el.value), Number(el.max) + 1]"""
            )
            if count < 2:  # a control with a single choice cannot change anything
                continue
            before = view.inner_html()
            _set_control(control, (current + 1) % count)
            if view.inner_html() == before:
                problems.append(f"explorer {name!r}: control {control.get_attribute('data-control')!r} "
                                "did not change the view")
            _set_control(control, current)
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
            page.wait_for_timeout(900)
            play.click()
            if caption.inner_text() == before:
                problems.append(f"explorer {name!r}: play did not advance the steps")
    return problems


def check_page(page, watcher, url, screenshot=None):
    """Visit ``url``; return the problems found (console errors, failed or foreign requests,
    images, math, toggles, explorers). Saves a full-page screenshot to ``screenshot``."""
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
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
    if screenshot is not None:
        Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    problems += _check_toggles(page)
    problems += _check_explorers(page)
    page.wait_for_timeout(100)  # let late console messages and requests arrive
    return problems + watcher.take()
