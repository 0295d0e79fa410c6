"""The Korean edition (한국어판): complete and current translations, the glossary's terms, Korean
figures and explorers, Korean search, and the browser checks of every Korean page.

Which pages are translated is said in one place, locales/ko/pages.yml. The edition is built
by the session fixture ``book_build`` (after the English one, into _build/html/ko/).
"""

import re
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Comment

from book_support.browser import PageWatcher, check_page, serve
from book_support.build import HTML, REPO

sys.path.insert(0, str(REPO / "book" / "_ext"))
sys.path.insert(0, str(REPO / "book"))
import bookext  # noqa: E402
import editions  # noqa: E402

KO = HTML / "ko"
LOCALES = REPO / "locales" / "ko" / "LC_MESSAGES"
TRANSLATED = editions.translated_pages("ko")
GLOSSARY = yaml.safe_load((REPO / "book" / "glossary_terms.yml").read_text(encoding="utf-8"))["terms"]
TOC_PAGES = re.findall(r"(?:root|file):\s*(book/\w+)", (REPO / "_toc.yml").read_text(encoding="utf-8"))
CHROME = LOCALES / "sphinx.po"  # the Korean edition's chrome: the theme's and the extensions' texts
TOC_CAPTIONS = re.findall(r'caption:\s*"([^"]+)"', (REPO / "_toc.yml").read_text(encoding="utf-8"))
SEARCHES = {  # query -> the chapters that teach it (one of them must be among the results)
    "합성곱": ("ch01_why_convolution", "ch02_convolution"),
    "패딩": ("ch03_padding",),
    "스트라이드": ("ch04_stride_output_size",),
    "풀링": ("ch06_pooling",),
    "역전파": ("ch09_backprop",),
}


# --------------------------------------------------------------------------------------------
# Catalogs and terms (no build needed)


def test_translated_pages_are_pages_of_the_book():
    assert TRANSLATED, "locales/ko/pages.yml lists no page"
    assert set(TRANSLATED) <= set(TOC_PAGES), set(TRANSLATED) - set(TOC_PAGES)


def test_translations_are_complete_and_current(book_build):
    """Templates regenerated from the current English sources, merged into a copy of the
    catalogs: a translated page has no untranslated and no fuzzy message."""
    found = editions.check("ko")
    report = "\n".join(f"{page}:\n  " + "\n  ".join(problems) for page, problems in found.items())
    assert not found, "translations to update (locales/ko/LC_MESSAGES):\n" + report


def test_a_changed_english_paragraph_is_caught(tmp_path):
    """The check is not vacuous: a msgid that no longer matches the English source makes the
    message fuzzy or untranslated after `sphinx-intl update`."""
    pot = tmp_path / "pot" / "book"
    pot.mkdir(parents=True)
    (pot / "demo.pot").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                                  'msgid "The filter slides over the image one pixel at a time."\nmsgstr ""\n',
                                  encoding="utf-8")
    po_dir = tmp_path / "locales" / "ko" / "LC_MESSAGES" / "book"
    po_dir.mkdir(parents=True)
    (po_dir / "demo.po").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                                    'msgid "The filter slides over the image one pixel at a step."\n'
                                    'msgstr "필터는 이미지 위를 한 픽셀씩 움직입니다."\n', encoding="utf-8")
    editions.sphinx_intl_update(tmp_path / "pot", tmp_path / "locales")
    problems = editions.catalog_problems(po_dir / "demo.po")
    assert problems and ("fuzzy" in problems[0] or "untranslated" in problems[0]), problems


def _chrome_messages():
    with open(CHROME, "rb") as handle:
        return [m for m in read_po(handle) if m.id and isinstance(m.id, str)]


def test_chrome_catalog_is_complete():
    """Every text of the chrome catalog is translated (not fuzzy), with its placeholders and tags."""
    messages = _chrome_messages()
    assert len(messages) > 30
    for message in messages:
        assert message.string and not message.fuzzy, message.id
        assert re.search(r"[\uac00-\ud7a3]", message.string) or message.id == message.string, message.id
        for pattern in (r"%\(\w+\)s", r"</?\w+>"):
            assert sorted(re.findall(pattern, message.id)) == sorted(re.findall(pattern, message.string)), message.id
    # The texts bookext.py looks up (its notice, the toggles of hidden cells, copybutton's tooltips).
    ids = {m.id for m in messages}
    assert bookext.UNTRANSLATED_NOTICE in ids
    assert set(bookext.UNTRANSLATED_ATTRIBUTES) <= ids and set(bookext.COPYBUTTON_TEXTS.values()) <= ids
    assert {f"{verb} code cell {kind}" for verb in ("Show", "Hide") for kind in ("source", "outputs")} <= ids


def _english_mentions(text, term):
    text = text.lower()
    for phrase in term.get("except", []):
        text = text.replace(phrase.lower(), " ")
    names = [term["en"], *term.get("en_also", [])]
    return any(re.search(r"(?<![\w-])" + re.escape(name.lower()) + r"(?![\w-])", text) for name in names)


def glossary_problems(messages):
    """For (English, Korean) message pairs of one page: the terms whose Korean term is missing
    although the English uses the term, and every forbidden variant used."""
    english = "\n".join(m for m, _ in messages)
    korean = "\n".join(k for _, k in messages)
    problems = []
    for term in GLOSSARY:
        if _english_mentions(english, term) and term["ko"] not in korean:
            problems.append(f"{term['en']!r} is used in English but the Korean never says {term['ko']!r}")
        for variant in term.get("forbidden", []):
            if variant in korean:
                problems.append(f"{variant!r} is a second translation of {term['en']!r}: use {term['ko']!r}")
    return problems


def _messages(page):
    with open(LOCALES / f"{page}.po", "rb") as handle:
        return [(m.id, m.string) for m in read_po(handle) if m.id and isinstance(m.id, str)]


@pytest.mark.parametrize("page", TRANSLATED)
def test_translated_pages_use_the_glossary_terms(page):
    problems = glossary_problems(_messages(page))
    assert not problems, f"{page}:\n  " + "\n  ".join(problems)


def test_glossary_check_catches_a_second_translation():
    messages = [("A convolution layer has filters.", "컨볼루션 레이어에는 필터가 있습니다.")]
    problems = "\n".join(glossary_problems(messages))
    assert "'컨볼루션'" in problems and "'합성곱 계층'" in problems


def test_glossary_terms_follow_the_textbook():
    """Where the textbook's term table (../shared/glossary, copied into the glossary) has a term,
    the glossary uses its main term."""
    textbook = {"backpropagation": "오차역전파법", "bias": "편향", "epoch": "에폭", "feature map": "특징 맵",
                "filter": "필터", "padding": "패딩", "stride": "스트라이드", "gradient": "기울기",
                "fully connected layer": "완전연결 계층", "pooling layer": "풀링 계층", "max pooling": "최대 풀링",
                "convolution layer": "합성곱 계층", "overfitting": "오버피팅", "mini-batch": "미니배치"}
    terms = {t["en"]: t["ko"] for t in GLOSSARY}
    assert {en: terms.get(en) for en in textbook} == textbook
    for term in GLOSSARY:
        assert term["ko"] not in term.get("forbidden", []), term


# --------------------------------------------------------------------------------------------
# The Korean figures and explorers (no build needed)


def test_korean_search_meets_the_particles():
    korean = bookext.SearchKorean({})
    for word, stem in [("합성곱은", "합성곱"), ("합성곱을", "합성곱"), ("패딩으로", "패딩"), ("풀링에서", "풀링"),
                       ("스트라이드가", "스트라이드"), ("역전파는", "역전파"), ("합성곱", "합성곱")]:
        assert korean.stem(word) == stem, word
    assert "stemWord" in korean.js_stemmer_code and "합성곱" not in korean.js_stemmer_code


def test_explorers_speak_korean():
    import explorers

    x = np.arange(16).reshape(4, 4)
    w = np.ones((3, 3))
    explorer = explorers.SlidingWindowExplorer({"ex": explorers.conv_example(x, w)}, pads=(0, 1), strides=(1, 2))
    explorer.lang = "ko"
    frame = explorer.frame("frames", ("ex", 1, 1))
    assert [g.title for g in frame.grids] == ["입력, 패딩 P = 1", "필터", "출력"]
    assert frame.steps[0].caption.startswith("출력 (0, 0)")
    bad = explorer.frame("frames", ("ex", 0, 2))
    assert bad.error and "정수가 아닙니다" in bad.message
    both = explorer.editions_html()
    assert both.count("<!--scratchcnn-edition:") == 2 and "슬라이딩 윈도우" in both and "Sliding window" in both


def test_figure_texts_are_translated_or_reported():
    import figures

    tables = ({"feature map": "특징 맵"}, [])
    assert figures.translate("feature map", tables) == ("특징 맵", True)
    assert figures.translate("CONV 5x5\n6×28×28", tables) == ("CONV 5x5\n6×28×28", True)
    assert figures.translate("a new label", tables) == ("a new label", False)


# A word glued into Korean prose that is not Korean: English words, except units, addresses and
# the names of the exercises (code). A glued text inside quotes is a program's message, quoted.
GLUE_ALLOWED = {"ms", "s", "min"}
_QUOTES = ('"', "“", "'", "‘")


def glued_english(text):
    text = re.sub(r"\S+://\S+", " ", text)
    text = re.sub(r"\S*\d\S*|\S*_\S*", " ", text)
    words = re.findall(r"(?<![\w.])[A-Za-z]*[a-z]{2,}[A-Za-z]*(?![\w(])", text)
    return [w for w in words if w not in GLUE_ALLOWED and w not in bookext.course_assignments()]


def glued_english_in(html):
    """(glued text, its English words) of every glued value of a page's article that shows English
    words outside quotes."""
    found = []
    for span in BeautifulSoup(html, "html.parser").select("article span.pasted-text"):
        before = span.find_previous(string=True) or ""
        if before.rstrip().endswith(_QUOTES):
            continue
        words = glued_english(span.get_text())
        if words:
            found.append((span.get_text(), words))
    return found


def test_glued_english_words_are_found():
    assert glued_english("the same") == ["the", "same"]
    assert glued_english("5 minutes") == ["minutes"]
    assert not glued_english("749 ms") and not glued_english("(1, 2, 2, 2)") and not glued_english("ReLU")
    assert not glued_english("https://github.com/scratchcnn/cnn-from-scratch")
    html = ('<article><p>결과가 <span class="pasted-text">the same</span>. 메시지는 “'
            '<span class="pasted-text">x has 1 channels</span>”입니다. <span class="pasted-text">5분</span></p></article>')
    assert glued_english_in(html) == [("the same", ["the", "same"])]


# --------------------------------------------------------------------------------------------
# The built Korean edition


def ko_pages():
    return sorted(p.relative_to(HTML).as_posix() for p in KO.rglob("*.html")
                  if p.relative_to(KO).parts[0] not in ("_static", "_sources", "_images"))


def test_korean_edition_has_every_page(book_build):
    for page in TOC_PAGES:
        assert (KO / f"{page}.html").is_file(), page
        assert (HTML / f"{page}.html").is_file(), page


def test_korean_doctrees_hold_only_their_own_page(book_build):
    """A translated node that kept the document Sphinx parsed its message into carried the
    build environment into the page's pickle (bookext.rehome_translated_nodes)."""
    import pickle

    for page in TOC_PAGES:
        with open(REPO / "_build" / "ko" / ".doctrees" / f"{page}.doctree", "rb") as file:
            doctree = pickle.load(file)
        foreign = [node for node in doctree.findall() if node._document not in (None, doctree)]
        assert not foreign, f"{page}: {len(foreign)} node(s) belong to another document, e.g. {foreign[0]!r:.80}"


def test_every_page_links_to_the_same_page_of_the_other_edition(book_build):
    for page in TOC_PAGES:
        for html, own in [(HTML / f"{page}.html", "en"), (KO / f"{page}.html", "ko")]:
            soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
            link = soup.select_one("nav.edition-switch a.edition-link")
            assert link is not None, f"{html}: no edition switch"
            target = (html.parent / link["href"]).resolve()
            expected = (KO if own == "en" else HTML) / f"{page}.html"
            assert target == expected.resolve(), (html, link["href"])


def test_korean_exercise_links_point_into_the_published_site(book_build):
    """From ko/book/<page>.html the notebooks are at ../../exercises/ (the site's root)."""
    links = 0
    for name in ko_pages():
        soup = BeautifulSoup((HTML / name).read_text(encoding="utf-8"), "html.parser")
        for link in soup.select("a.exercise-link"):
            target = ((HTML / name).parent / link["href"]).resolve()
            assert (REPO / target.relative_to(HTML.resolve())).is_file(), (name, link["href"])
            links += 1
    assert links >= len(bookext.course_assignments())


def test_korean_intro_says_it_is_the_korean_edition(book_build):
    soup = BeautifulSoup((KO / "book/intro.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.html["lang"] == "ko"
    assert "한국어판" in soup.find("article").get_text()


def test_korean_pages_show_the_english_pages_numbers(book_build):
    """The same executed code: every code output of a Korean page is the English page's."""
    for page in TOC_PAGES:
        outputs = []
        for root in (HTML, KO):
            soup = BeautifulSoup((root / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
            outputs.append([pre.get_text() for pre in soup.select("div.cell_output pre")])
        assert outputs[0] == outputs[1], page


def test_korean_figures_and_explorers_on_translated_pages(book_build):
    for page in TRANSLATED:
        text = (KO / f"{page}.html").read_text(encoding="utf-8")
        assert "<!--scratchcnn-edition:" not in text
        for title in re.findall(r'<div class="sx-title">([^<]*)</div>', text):
            assert re.search(r"[\uac00-\ud7a3]", title), (page, title)


def test_korean_prose_has_no_english_glued_into_it(book_build):
    """A word computed by a page for its prose ("faster", "the same") is glued in Korean on a
    translated page (figures.glue_editions and {glue:text}`<key>_ko` in the catalog)."""
    found = {page: glued_english_in((KO / f"{page}.html").read_text(encoding="utf-8")) for page in TRANSLATED}
    found = {page: problems for page, problems in found.items() if problems}
    assert not found, found


def test_korean_figures_have_korean_alternative_texts(book_build):
    """The alt text of every figure of a translated page is Korean (a message of the page's
    catalog, like the caption); the English page keeps the English one."""
    for page in TRANSLATED:
        pictures = []
        for root in (HTML, KO):
            soup = BeautifulSoup((root / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
            pictures.append([img.get("alt", "") for img in soup.select("article img")])
        english, korean = pictures
        assert len(english) == len(korean), page
        for en, ko in zip(english, korean):
            if en:
                assert re.search(r"[\uac00-\ud7a3]", ko), (page, ko)
                assert not re.search(r"[\uac00-\ud7a3]", en), (page, en)


def _chrome_texts(soup):
    """The texts a reader sees around a page's prose (outside its article: sidebar, header,
    footer), the toggles of hidden cells, and the attributes naming controls and links."""
    for tag in soup(["script", "style"]):
        tag.decompose()
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()
    attributes = [value for tag in soup.find_all(True) for name in ("title", "aria-label", "placeholder",
                                                                     "data-bs-title", "data-tooltip")
                  if (value := tag.get(name))]
    toggles = [summary.get_text(" ", strip=True) for summary in soup.select("details summary")]
    article = soup.find("article")
    if article is not None:
        article.decompose()
    texts = [" ".join(text.split()) for text in soup.find_all(string=True) if text.strip()]
    return texts + toggles + attributes


def english_chrome(html):
    """The English texts of the chrome (the chrome catalog's msgids, the captions of _toc.yml)
    that a page shows."""
    texts = _chrome_texts(BeautifulSoup(html, "html.parser"))
    joined = "\n".join(texts)
    found = []
    for english in [m.id for m in _chrome_messages()] + TOC_CAPTIONS:
        plain = BeautifulSoup(english, "html.parser").get_text()
        if " " in plain:  # a phrase: anywhere; its %(placeholders)s stand for anything
            pattern = ".+?".join(re.escape(part) for part in re.split(r"%\(\w+\)s", plain))
            if re.search(pattern, joined):
                found.append(english)
        elif plain in texts:  # one word ("Main", "Dark"): a whole text or attribute
            found.append(english)
    return found


def test_korean_pages_show_no_english_chrome(book_build):
    """The sidebar's parts, the toggles of hidden cells, the theme's buttons, search box, footer
    and links are Korean on every Korean page, and English on the English pages."""
    problems = {}
    for name in ko_pages():
        html = (HTML / name).read_text(encoding="utf-8")
        if 'http-equiv="Refresh"' in html:
            continue
        found = english_chrome(html)
        if found:
            problems[name] = found
    assert not problems, problems
    english = (HTML / "book/ch02_convolution.html").read_text(encoding="utf-8")
    assert {"Show code cell source", "Back to top", "Search this book...", TOC_CAPTIONS[0]} <= set(english_chrome(english))
    korean = BeautifulSoup((KO / "book/ch02_convolution.html").read_text(encoding="utf-8"), "html.parser")
    captions = [c.get_text() for c in korean.select(".bd-sidebar-primary p.caption")]
    assert len(captions) == len(TOC_CAPTIONS) and all(re.search(r"[\uac00-\ud7a3]", c) for c in captions), captions


def _reference_markup(root):
    article = BeautifulSoup((root / "book/appendix_reference.html").read_text(encoding="utf-8"),
                            "html.parser").find("article")
    raw = re.findall(r":\w+:`|``|::(?=\s|$)", article.get_text(" "))  # reST left as text
    return {"links": len(article.select("a.reference.internal")), "code": len(article.select("code.literal")),
            "raw reST": len(raw)}, article


def test_korean_reference_keeps_the_docstrings_markup(book_build):
    """The library reference's docstrings are reST inside a MyST page: their translations are
    parsed as reST too (bookext.parse_docstring_translations_as_rest), so the Korean page has
    the English page's cross-references and code, and no role or ``literal`` left as text."""
    english, _ = _reference_markup(HTML)
    korean, article = _reference_markup(KO)
    assert korean == english
    described = " ".join(dd.get_text(" ") for dd in article.select("dl.py dd"))
    assert re.search(r"[\uac00-\ud7a3]", described), "no docstring of the reference is translated"


def test_docstring_messages_are_told_from_the_pages_prose():
    from docutils import nodes
    from sphinx import addnodes

    docstring = nodes.paragraph("", "x")
    docstring.source = "/repo/lib/scratchcnn/util.py:docstring of scratchcnn.util.im2col"
    described = nodes.paragraph("", "x")
    described.source = "/repo/book/appendix_reference.md"
    addnodes.desc_content("", described)
    prose = nodes.paragraph("", "x")
    prose.source = "/repo/book/appendix_reference.md"
    nodes.section("", prose)
    assert bookext.written_in_rest(docstring) and bookext.written_in_rest(described)
    assert not bookext.written_in_rest(prose)


def test_english_chrome_check_is_not_vacuous():
    html = ('<html><body><nav aria-label="Main"><p class="caption">Part I: Convolution</p></nav>'
            '<article><p>Back to top</p></article><p>© Copyright 2025.</p>'
            '<details><summary><p>Show code cell source</p></summary></details></body></html>')
    found = set(english_chrome(html))
    assert {"Main", TOC_CAPTIONS[0], "© Copyright %(copyright)s.", "Show code cell source"} <= found
    assert "Back to top" not in found  # in the article: prose, not chrome


@pytest.fixture(scope="module")
def browser():
    from book_support.browser import launched_chromium

    with launched_chromium() as chromium:
        yield chromium


def test_every_korean_page_works_offline_in_the_browser(book_build, browser):
    problems = {}
    with serve(HTML) as base_url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        watcher = PageWatcher(context, base_url)
        page = context.new_page()
        watcher.watch(page)
        for name in ko_pages():
            if 'http-equiv="Refresh"' in (HTML / name).read_text(encoding="utf-8"):
                continue
            shot = None
            if name in ("ko/book/ch02_convolution.html", "ko/book/ch03_padding.html"):
                shot = HTML.parent / "screenshots" / ("ko_" + Path(name).stem + ".png")
            found = check_page(page, watcher, base_url + name, screenshot=shot)
            if found:
                problems[name] = found
        # The switch lands on the same page.
        page.goto(base_url + "ko/book/ch03_padding.html")
        page.click("nav.edition-switch a")
        page.wait_for_load_state("load")
        if not page.url.endswith("/book/ch03_padding.html") or "/ko/" in page.url:
            problems["switch"] = [f"ko -> en landed on {page.url}"]
        page.click("nav.edition-switch a")
        page.wait_for_load_state("load")
        if not page.url.endswith("/ko/book/ch03_padding.html"):
            problems.setdefault("switch", []).append(f"en -> ko landed on {page.url}")
        context.close()
    report = "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in problems.items())
    assert not problems, f"problems on {len(problems)} Korean page(s):\n{report}"


def test_korean_copy_buttons_speak_korean(book_build, browser):
    """sphinx-copybutton knows no Korean: its tooltips come from the chrome catalog."""
    expected = {m.id: m.string for m in _chrome_messages()}[bookext.COPYBUTTON_TEXTS["copy"]]
    tooltips = {}
    with serve(HTML) as base_url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        for root in ("", "ko/"):
            page.goto(base_url + root + "book/ch02_convolution.html", wait_until="load")
            page.wait_for_selector("button.copybtn", state="attached")
            tooltips[root] = page.eval_on_selector("button.copybtn", "b => b.dataset.tooltip")
        context.close()
    assert tooltips == {"": "Copy", "ko/": expected}


@pytest.mark.parametrize("query", sorted(SEARCHES))
def test_korean_search_finds_the_chapter(book_build, browser, query):
    """Typed into the search box of a Korean page, the word finds the chapter that teaches it."""
    with serve(HTML) as base_url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(base_url + "ko/book/intro.html", wait_until="load")
        page.keyboard.press("Control+k")  # the theme's search dialog
        box = page.locator("input[name='q']:visible").first
        box.fill(query)
        box.press("Enter")
        page.wait_for_url("**/search.html*")
        page.wait_for_selector("#search-results li, .search-summary", timeout=20_000)
        page.wait_for_function("() => !document.querySelector('#search-progress') || "
                               "!document.querySelector('#search-progress').textContent.includes('Preparing')",
                               timeout=20_000)
        page.wait_for_timeout(500)
        hrefs = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
        context.close()
    assert any(chapter in (href or "") for href in hrefs for chapter in SEARCHES[query]), f"{query}: {hrefs}"
