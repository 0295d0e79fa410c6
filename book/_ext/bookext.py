"""Sphinx extension of the course book: exercise links and the checks that keep the site sound.

Loaded by ``_config.yml`` (``sphinx.local_extensions``). Its jobs:

* The execution cache follows the code the pages import. Jupyter-cache only looks at a page's
  own cells, so after a change in the library (lib/scratchcnn) or in the book's helper modules
  (book/*.py, *.js, *.css) it would keep serving outputs computed by the old code, and Sphinx
  would not even re-read the unchanged pages. A fingerprint of those files is kept beside the
  cache; when it changes, the cache is emptied and every page is read, and so run, again.
  The appendices also read the grader (autograder/) and the released notebooks (exercises/);
  they are executed afresh whenever they are read, so a change there only makes Sphinx re-read
  the pages that import the grader, not run every chapter again.

* The ``{exercise}`NAME``` role links a chapter to its exercise notebook. ``python -m
  autograder publish`` puts ``exercises/NAME/NAME.ipynb`` next to the book in the published
  site, so the link is a relative one into the site itself (``../exercises/NAME/NAME.ipynb``
  from a page in book/): the site needs no public repository. The build warns (and so fails,
  with ``-W``) when that notebook does not exist in the checkout, so a renamed or missing
  exercise cannot leave a dead link on the site.
* While ``repository.url`` in ``_config.yml`` is the placeholder, the repository button and
  the launch buttons (Binder, JupyterHub), which can only point at a real repository, are left
  out, and the build prints one notice saying so (on the log, not as a Sphinx warning, so that
  ``-W`` still builds).
* No output of any page may show an absolute path of the build machine (a traceback's
  ``File /home/.../lib/scratchcnn/networks.py:145`` publishes the instructor's file system):
  every output of every executed page is searched, and each such path is a warning.
* After the HTML is written, every page is scanned for resources loaded from another host
  (``<script src>``, ``<link href>``, ``<img src>``, ...). The site must work offline, in a
  classroom without internet, so any such reference is reported as a warning.
* The widget state that executing a page records (the explorers create ipywidgets for
  JupyterLab) is not embedded in the pages: the book shows the explorers' own HTML view,
  never a widget, so the state would only add weight (see book/explorers.py).
* The two editions (English at the site's root, Korean under ``ko/``: book/_ext/editions.py).
  Figures and explorers are executed once and produce both editions in the same cell (see
  book/figures.py and book/explorers.py); :func:`keep_edition_outputs` keeps the edition's own
  image or explorer on each edition's page. Every page gets a visible switch to the same page
  of the other edition; a Korean page whose translation is not declared complete
  (locales/ko/pages.yml) says that its prose is still English. A figure of a translated page
  with an untranslated text is a warning (so an error, with ``-W``). The texts around the prose
  (sidebar parts, toggles of hidden cells, the theme's buttons, title, footer) come from the
  chrome catalog locales/ko/LC_MESSAGES/sphinx.po ("The chrome of an edition"). Korean search
  (:class:`SearchKorean`) indexes words without their particles (합성곱은 -> 합성곱) and strips
  them from the query in the same way.
* Thebe (live code in the page, through a Binder kernel) is switched off in ``_config.yml``,
  but Jupyter Book always loads the sphinx-thebe extension, which still adds its scripts to
  every page, twice: a ``const`` declared twice raises an error in the browser, and one of
  them names a CDN. Those scripts are removed from the pages while thebe is off.
"""

import hashlib
import json
import os
import re
import struct
import shutil
import sys
import tempfile
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from docutils import nodes
from sphinx.search import SearchLanguage
from sphinx.search.en import SearchEnglish
from sphinx.util import logging

logger = logging.getLogger(__name__)


def course_assignments():
    """The course's assignments, as the grader finds them (the folders of solutions/)."""
    from autograder.config import assignments

    return assignments()


# The repository URL _config.yml ships with. Until an instructor replaces it, nothing on the
# site may depend on it: no repository button, no launch buttons.
PLACEHOLDER_REPOSITORY = "https://github.com/scratchcnn/cnn-from-scratch"


def repository_links(config, path):
    """(view URL, download URL) of ``path``, a file path relative to the repository root."""
    options = config.html_theme_options
    url = options.get("repository_url", "").rstrip("/")
    branch = options.get("repository_branch", "") or "main"
    # GitHub serves /blob/ as a page and /raw/ as the file itself (a download).
    return f"{url}/blob/{branch}/{path}", f"{url}/raw/{branch}/{path}"


def exercise_path(assignment):
    """Where the notebook of ``assignment`` is, in the repository and in the published site."""
    return f"exercises/{assignment}/{assignment}.ipynb"


def site_link(docname, path):
    """The relative URL from page ``docname`` (e.g. ``book/ch04_stride``) to ``path``, a file
    at the root of the published site (``python -m autograder publish`` copies exercises/ there,
    next to the book's index.html)."""
    return "../" * docname.count("/") + path


class exercise_download(nodes.reference):
    """A link that asks the browser to save the file (``<a download>``) instead of showing it."""


def visit_exercise_download(self, node):
    self.body.append(self.starttag(node, "a", "", href=node["refuri"], download=node["filename"],
                                   CLASS="reference external exercise-link"))


def depart_exercise_download(self, node):
    self.body.append("</a>")


def visit_plain_reference(self, node):
    """Other builders: an ordinary link."""
    self.visit_reference(node)


def depart_plain_reference(self, node):
    self.depart_reference(node)


def exercise_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{exercise}`toyConv``` -> "exercise toyConv (download the notebook)", linking to the
    notebook inside the published site."""
    env = inliner.document.settings.env
    assignment = text.strip()
    location = (env.docname, lineno)
    if assignment not in course_assignments():
        msg = f"unknown exercise {assignment!r}; the exercises are {', '.join(course_assignments())}"
        logger.warning(msg, location=location)
    path = exercise_path(assignment)
    if not (Path(env.app.confdir) / path).is_file():
        logger.warning(f"exercise notebook {path} does not exist in the repository", location=location)
    korean = edition(env.config) == "ko"
    # The Korean edition links to the Korean notebook, exercises/ko/NAME/NAME.ipynb, which
    # `python -m autograder release` writes for every exercise with a translation (same file
    # name, so handing it in works the same); an exercise without one keeps the English link.
    korean_path = f"exercises/ko/{assignment}/{assignment}.ipynb"
    if korean and (Path(env.app.confdir) / korean_path).is_file():
        path = korean_path
    # The Korean edition is the folder ko/ of the site: one level further from exercises/.
    href = ("../" if korean else "") + site_link(env.docname, path)
    link = exercise_download(rawtext, "", internal=False, refuri=href, filename=f"{assignment}.ipynb")
    link += nodes.literal(assignment, assignment)
    link += nodes.Text(" (노트북 내려받기)" if korean else " (download the notebook)")
    return [nodes.Text("연습 문제 " if korean else "exercise "), link], []


def placeholder_repository(app, config):
    """While repository.url is the placeholder: no repository or launch buttons, one notice."""
    options = config.html_theme_options
    url = (options.get("repository_url") or "").rstrip("/")
    if url and url != PLACEHOLDER_REPOSITORY:
        return
    options["use_repository_button"] = False
    launch = dict(options.get("launch_buttons") or {})
    for key in ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url"):
        launch[key] = ""
    launch["thebe"] = False
    options["launch_buttons"] = launch
    if config.language not in (None, "", "en"):
        return  # said once, by the English build; the other editions follow it
    # A notice, not a Sphinx warning: the book must still build with -W.
    print(
        f"[bookext] repository.url in _config.yml is the placeholder {PLACEHOLDER_REPOSITORY}: "
        "the site is built without the repository button and the Binder/JupyterHub launch "
        "buttons. The exercise links point into the published site and do not need it; set "
        "repository.url to your public repository to get the buttons.",
        file=sys.stderr,
        flush=True,
    )


# ---------------------------------------------------------------------------------------------
# No absolute path of the build machine in any output

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# A traceback frame naming a file by its absolute path: IPython's "File /a/b.py:12" and
# Python's 'File "/a/b.py", line 12' (also C:\ paths).
_FRAME = re.compile(r"""File\s+"?((?:/|[A-Za-z]:\\)[^\s",:]+)""")


def machine_paths(root):
    """The folders whose absolute path must never appear in a page: the repository, the home
    folder, the temporary folder and Python's installation. Longest first."""
    folders = {Path(root), Path(root).resolve(), Path.home(), Path(tempfile.gettempdir()),
               Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix)}
    names = {str(folder) for folder in folders}
    names.discard("/")
    return sorted(names, key=len, reverse=True)


def absolute_paths(text, folders):
    """Absolute paths of the build machine in ``text`` (an output): any path under one of
    ``folders``, and any absolute file name of a traceback frame."""
    text = _ANSI.sub("", text)
    found = []
    for folder in folders:
        for match in re.finditer(r"(?<![\w.~/-])" + re.escape(folder) + r"(?![\w.-])[^\s'\"<>,:)`]*", text):
            if match.group(0).rstrip("/") != tempfile.gettempdir():  # "/tmp" alone names no machine
                found.append(match.group(0))
    found += [match.group(1) for match in _FRAME.finditer(text)]
    return list(dict.fromkeys(found))


def _output_texts(output):
    """Every text an output of a notebook cell carries (streams, values, tracebacks, glue)."""
    if output.get("output_type") == "stream":
        yield output.get("text", "")
    elif output.get("output_type") == "error":
        yield output.get("evalue", "")
        yield from output.get("traceback", [])
    for value in (output.get("data") or {}).values():
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from (v for v in value if isinstance(v, str))


def check_output_paths(app, exception):
    """Warn about every absolute path of the build machine in the outputs of the pages."""
    if exception is not None:
        return
    config = getattr(app.env, "mystnb_config", None)
    if config is None:
        return
    executed = Path(app.outdir).parent / config.output_folder
    if not executed.is_absolute():
        executed = Path(app.outdir).parent / executed
    folders = machine_paths(app.confdir)
    for docname in sorted(app.env.found_docs):
        notebook = executed.joinpath(*(docname + ".ipynb").split("/"))
        if not notebook.is_file():
            continue
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
        for number, cell in enumerate(cells, start=1):
            for output in cell.get("outputs", []):
                for text in _output_texts(output):
                    text = "".join(text) if isinstance(text, list) else text
                    for path in absolute_paths(text, folders):
                        logger.warning(
                            f"an output of code cell {number} shows the build machine's absolute path "
                            f"{path!r}: print paths relative to the repository, or show the error "
                            "without its traceback (%xmode Minimal in a hidden cell)",
                            location=docname,
                        )


# Tag -> attributes through which a browser fetches a resource while showing the page.
RESOURCE_ATTRIBUTES = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
}
# Attributes that merely point elsewhere without loading anything.
IGNORED_LINK_RELS = {"canonical", "alternate", "author", "license", "next", "prev", "search", "index"}


class _ExternalResourceFinder(HTMLParser):
    """Collect (tag, attribute, value) of every resource a page would load from another host."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and set((attrs.get("rel") or "").split()) <= IGNORED_LINK_RELS:
            return
        for attribute in RESOURCE_ATTRIBUTES.get(tag, ()):
            value = (attrs.get(attribute) or "").strip()
            if value.startswith(("http://", "https://", "//")):
                self.found.append((tag, attribute, value))
        cdn = attrs.get("data-jupyter-widgets-cdn")
        if cdn:
            self.found.append((tag, "data-jupyter-widgets-cdn", cdn))


def note_written_page(app, pagename, templatename, context, doctree):
    """Remember each HTML page this build writes, for :func:`check_offline`."""
    if not hasattr(app, "scratchcnn_written"):
        app.scratchcnn_written = set()
    app.scratchcnn_written.add(Path(app.builder.get_outfilename(pagename)))


def check_offline(app, exception):
    """Warn about every resource of the pages this build wrote that would be loaded from
    another host. (A page not written again is the one an earlier build checked.)"""
    if exception is not None or app.builder.format != "html":
        return
    for page in sorted(getattr(app, "scratchcnn_written", ())):
        finder = _ExternalResourceFinder()
        finder.feed(page.read_text(encoding="utf-8"))
        for tag, attribute, value in finder.found:
            logger.warning(
                f"{page.relative_to(app.outdir)}: <{tag} {attribute}={value!r}> loads a resource "
                "from another host; the book must work offline (ship the file in book/_static)"
            )


def drop_widget_state(app, doctree):
    """Forget the ipywidgets state myst-nb would embed in the page being read."""
    metadata = getattr(app.env, "nb_metadata", {}).get(app.env.docname, {})
    metadata.get("js_files", {}).pop("ipywidgets_state", None)


def drop_thebe_assets(app, pagename, templatename, context, doctree):
    """Remove sphinx-thebe's scripts and stylesheet from a page when thebe is off."""
    if app.config.html_theme_options.get("launch_buttons", {}).get("thebe"):
        return

    def is_thebe(asset):
        return "thebe" in str(asset.filename or "") or "THEBE_JS_URL" in asset.attributes.get("body", "")

    # In place: Sphinx resets these lists from its own copies before the next page.
    context["script_files"][:] = [js for js in context["script_files"] if not is_thebe(js)]
    context["css_files"][:] = [css for css in context["css_files"] if not is_thebe(css)]


# What the chapters import, relative to the repository root: a change here changes their outputs.
# The Korean figure texts are drawn into the executed figures, so they count too.
PAGE_DEPENDENCIES = ("lib/scratchcnn/**/*.py", "book/*.py", "book/*.js", "book/*.css", "locales/*/figures/*.yml")
# What the appendices also read: the grader's code and assignment modules, the released
# notebooks. Those pages are always executed afresh (``execution_mode: force``); a change here
# only makes Sphinx read them again.
GRADER_DEPENDENCIES = ("autograder/**/*.py", "exercises/*/*.ipynb", "solutions/*/grading.py")
FINGERPRINT_FILE = "scratchcnn-book-dependencies.sha256"


def dependency_fingerprint(root, patterns=PAGE_DEPENDENCIES):
    """SHA-256 of the names and contents of the files the pages import."""
    digest = hashlib.sha256()
    files = sorted({path for pattern in patterns for path in Path(root).glob(pattern)})
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def empty_outdated_cache(cache, root):
    """Empty the execution cache folder ``cache`` when the code the pages import (under
    ``root``) has changed since it was filled; return True if it was emptied. Called by the
    build (:func:`refresh_execution_cache`) and before execute.py fills the cache."""
    fingerprint = dependency_fingerprint(root)
    cache = Path(cache)
    stamp = cache / FINGERPRINT_FILE
    if stamp.is_file() and stamp.read_text().strip() == fingerprint:
        return False
    emptied = cache.exists()
    if emptied:
        logger.info(f"[bookext] the library or the book's modules changed: emptying {cache}")
        shutil.rmtree(cache)
    cache.mkdir(parents=True)
    stamp.write_text(fingerprint + "\n")
    return emptied


def refresh_execution_cache(app):
    """Empty the execution cache when the code the pages import has changed since it was filled,
    and read every page again when this build's pages were read before that change.

    The second test is per build (each edition keeps its own environment) while the cache is
    shared: the Korean build, which follows the English one, finds the cache already refreshed
    but must still read its pages again."""
    fingerprint = dependency_fingerprint(app.confdir)
    app.env.bookext_dependencies_changed = getattr(app.env, "bookext_fingerprint", None) != fingerprint
    app.env.bookext_fingerprint = fingerprint
    config = getattr(app.env, "mystnb_config", None)
    if config is not None and config.execution_mode == "cache":
        empty_outdated_cache(config.execution_cache_path, app.confdir)


def outdated_pages(app, env, added, changed, removed):
    """Every page, when the code the pages import changed (they must run again)."""
    if getattr(env, "bookext_dependencies_changed", False):
        return sorted(env.found_docs - added - changed - removed)
    return []


def note_grader_dependencies(app, doctree):
    """A page that imports the grader is read again whenever the grader or an exercise changes."""
    env = app.env
    source = Path(env.doc2path(env.docname))
    if not re.search(r"^\s*(from|import) autograder\b", source.read_text(encoding="utf-8"), re.M):
        return
    root = Path(app.confdir)
    for pattern in GRADER_DEPENDENCIES:
        for path in sorted(root.glob(pattern)):
            env.note_dependency(path.relative_to(app.srcdir).as_posix())


# ---------------------------------------------------------------------------------------------
# The two editions

EDITION_NAMES = {"en": "English", "ko": "한국어"}
EDITION_KEY = "scratchcnn-edition"  # book/figures.py marks each PNG with its edition
UNTRANSLATED_KEY = "scratchcnn-untranslated"
KOREAN_KEY = "scratchcnn-ko"  # ... and embeds the Korean picture in the English one
_EDITION_BLOCK = re.compile(r"<!--scratchcnn-edition:(\w+)-->(.*?)<!--/scratchcnn-edition:\1-->", re.S)


def edition(config):
    """The edition being built: "en" or "ko"."""
    return "ko" if (config.language or "en").startswith("ko") else "en"


def translated_pages(confdir, language="ko"):
    import yaml

    path = Path(confdir) / "locales" / language / "pages.yml"
    return set((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("translated") or [])


def png_text(path):
    """The text chunks (tEXt, iTXt) of a PNG file, as a dict."""
    return png_text_bytes(Path(path).read_bytes())


def png_text_bytes(data):
    found, at = {}, 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            found[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\0")
            # compression flag, method, language tag \0, translated keyword \0, text
            parts = rest[2:].split(b"\0", 2)
            if rest[:1] == b"\0" and len(parts) == 3:
                found[key.decode("latin-1")] = parts[2].decode("utf-8")
        elif kind == b"IEND":
            break
        at += 12 + length
    return found


def png_without(data, key):
    """PNG bytes ``data`` without its text chunk ``key``."""
    out, at = [data[:8]], 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        chunk = data[at:at + 12 + length]
        if not (kind == b"tEXt" and data[at + 8:at + 8 + length].split(b"\0", 1)[0] == key.encode()):
            out.append(chunk)
        at += 12 + length
    return b"".join(out)


def keep_edition_outputs(app, doctree):
    """Put the edition's own figures and explorers on the page being read: a figure is one PNG
    carrying the Korean picture in a text chunk (book/figures.py), an explorer holds two HTML
    views between markers (book/explorers.py)."""
    import base64

    own = edition(app.config)
    docname = app.env.docname
    translated = own != "en" and docname in translated_pages(app.confdir, own)
    for image in list(doctree.findall(nodes.image)):
        uri = image.get("uri", "")
        path = Path(app.srcdir) / uri.lstrip("/")
        if not uri.endswith(".png") or not path.is_file():
            continue
        chunks = png_text(path)
        if KOREAN_KEY not in chunks:
            continue
        if own == "ko":
            data = base64.b64decode(chunks[KOREAN_KEY])
            untranslated = png_text_bytes(data).get(UNTRANSLATED_KEY)
            if translated and untranslated:
                texts = "; ".join(repr(t) for t in untranslated.splitlines())
                logger.warning(f"a figure of this translated page has text with no Korean translation: {texts} "
                               f"(add it to locales/{own}/figures/<page>.yml)", location=image)
        else:
            data = png_without(path.read_bytes(), KOREAN_KEY)
        target = path.parent / f"{hashlib.sha256(data).hexdigest()}.png"
        if not target.is_file():
            target.write_bytes(data)
        image["uri"] = "/" + os.path.relpath(target, app.srcdir)
    for raw in list(doctree.findall(nodes.raw)):
        text = raw.astext()
        if "<!--scratchcnn-edition:" not in text:
            continue
        kept = "".join(match.group(2) for match in _EDITION_BLOCK.finditer(text) if match.group(1) == own)
        raw.parent.replace(raw, nodes.raw("", kept, format=raw.get("format", "html")))


def edition_link(pagename, own, other):
    """The relative URL from page ``pagename`` of edition ``own`` to the same page of ``other``
    (English at the site's root, the others in a folder named by their language)."""
    depth = pagename.count("/") + (0 if own == "en" else 1)
    return "../" * depth + ("" if other == "en" else other + "/") + pagename + ".html"


def edition_switch(app, pagename, templatename, context, doctree):
    """A visible link to the same page in the other edition, at the top of every page; on a
    Korean page not yet translated, a notice that its prose is English."""
    if app.builder.format != "html" or "body" not in context:
        return
    own = edition(app.config)
    other = "ko" if own == "en" else "en"
    href = edition_link(pagename, own, other)
    label = "한국어판으로 보기" if other == "ko" else "Read in English"
    note = ""
    if own != "en" and doctree is not None and pagename not in translated_pages(app.confdir, own):
        note = f'<p class="edition-note">{escape(chrome_text(app, UNTRANSLATED_NOTICE))}</p>'
    context["body"] = (
        f'<nav class="edition-switch" aria-label="{EDITION_NAMES[other]}">'
        f'<a class="edition-link" href="{href}" hreflang="{other}" lang="{other}">{label}</a></nav>'
        + note + context["body"]
    )
    context["metatags"] = context.get("metatags", "") + f'\n<link rel="alternate" hreflang="{other}" href="{href}" />'


# The chrome of an edition other than English: the texts of the theme (pydata-sphinx-theme,
# sphinx-book-theme), of Sphinx and of the extensions around the pages' prose (the sidebar's
# part captions, "Show code cell source", "Back to top", "previous page", the search box, the
# footer). One catalog, locales/<language>/LC_MESSAGES/sphinx.po, the "sphinx" message domain:
# Sphinx loads it before its own translations and the themes' (Sphinx's documented way to
# override them), which translates every text the templates pass through _(); the functions
# below put the same catalog's translations where the theme and the extensions do not ask for
# one: sphinx-book-theme's own domain (whose Korean says "By" as "으로"), MyST-NB's toggles of
# hidden cells, the options of _config.yml (title, author, footer, search box), attributes the
# templates write as they are, sphinx-copybutton's tooltips, the notice of an untranslated page.
# The sidebar's part captions are messages of the root page's catalog (book/intro.po).
CHROME_CATALOG = "sphinx"
UNTRANSLATED_NOTICE = ("This page is still being translated: its prose is shown in the English original. "
                       "Its figures and explorers, code and results are the same as in the English edition.")
# Attribute values the templates write without translating them (pydata-sphinx-theme's "Main",
# sphinx-book-theme's sidebar toggles, MyST-NB's summary of a hidden cell).
UNTRANSLATED_ATTRIBUTES = ("Main", "Page", "Toggle primary sidebar", "Toggle secondary sidebar",
                           "Toggle hidden content")
COPYBUTTON_TEXTS = {"copy": "Copy", "copy_to_clipboard": "Copy to clipboard", "copy_success": "Copied!",
                    "copy_failure": "Failed to copy"}


def chrome_catalog_path(confdir, language):
    return Path(confdir) / "locales" / language / "LC_MESSAGES" / f"{CHROME_CATALOG}.po"


_CHROME = {}  # (catalog path, its modification time) -> {English: translation}


def chrome_messages(confdir, language):
    """{English text: translation} of the chrome catalog: its translated, non-fuzzy messages."""
    from babel.messages.pofile import read_po

    path = chrome_catalog_path(confdir, language)
    if not path.is_file():
        return {}
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _CHROME:
        with open(path, "rb") as handle:
            catalog = read_po(handle)
        _CHROME[key] = {m.id: m.string for m in catalog
                        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}
    return _CHROME[key]


def chrome_text(app, text):
    """``text`` (English) in the language of the edition being built."""
    own = edition(app.config)
    if own == "en" or not text:
        return text
    return chrome_messages(app.confdir, own).get(text, text)


CHROME_STAMP = "bookext-chrome.sha256"  # in the edition's doctree folder: what its pages were written with


def chrome_fingerprint(app):
    """SHA-256 of the chrome catalog and of the root page's catalog (the sidebar's part captions)."""
    own = edition(app.config)
    digest = hashlib.sha256()
    for path in (chrome_catalog_path(app.confdir, own),
                 Path(app.confdir) / "locales" / own / "LC_MESSAGES" / f"{app.config.root_doc}.po"):
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def outdated_chrome(app, env, added, changed, removed):
    """Every page, in an edition other than English, when its chrome changed since its pages were
    written (every page shows it); the pages of the modules' source (sphinx.ext.viewcode, written
    again only when a module changes) are removed, to be written again."""
    if edition(app.config) == "en":
        return []
    stamp = Path(app.doctreedir) / CHROME_STAMP
    if stamp.is_file() and stamp.read_text().strip() == chrome_fingerprint(app):
        return []
    shutil.rmtree(Path(app.outdir) / "_modules", ignore_errors=True)
    return sorted(env.found_docs - added - changed - removed)


def stamp_chrome(app, exception):
    if exception is None and edition(app.config) != "en" and app.builder.format == "html":
        (Path(app.doctreedir) / CHROME_STAMP).write_text(chrome_fingerprint(app) + "\n")


def translate_chrome_config(app, config):
    """The options of _config.yml the theme shows as they are: the title, the author, the footer
    and the search box's placeholder (jupyter-book's "Search this book...")."""
    if edition(config) == "en":
        return
    for name in ("html_title", "author"):
        if isinstance(getattr(config, name, None), str):
            setattr(config, name, chrome_text(app, getattr(config, name)))
    options = config.html_theme_options
    for name in ("extra_footer", "search_bar_text"):
        if isinstance(options.get(name), str):
            options[name] = chrome_text(app, " ".join(options[name].split()))


def toc_caption_transform():
    from sphinx.locale import init as init_locale
    from sphinx import addnodes
    from sphinx.transforms import SphinxTransform
    from sphinx.util.i18n import docname_to_domain

    class TranslateTocCaptions(SphinxTransform):
        """The captions of the root page's toctrees (the sidebar's parts, from _toc.yml) in the
        edition's language. sphinx-external-toc inserts the toctrees (priority 100) after Sphinx
        has translated the page (priority 20), so their captions, although messages of the page's
        catalog, would stay English."""

        default_priority = 110

        def apply(self, **kwargs):
            if edition(self.config) == "en":
                return
            domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
            dirs = [str(Path(self.env.srcdir) / directory) for directory in self.config.locale_dirs]
            catalog, found = init_locale(dirs, self.config.language, domain)
            if not found:
                return
            for toctree in self.document.findall(addnodes.toctree):
                for message in toctree.extract_original_messages():
                    translated = catalog.gettext(message)
                    if translated and translated != message:
                        toctree.apply_translated_message(message, translated)

    return TranslateTocCaptions


def cell_prompt_transform():
    from sphinx.transforms.post_transforms import SphinxPostTransform

    class TranslateCellPrompts(SphinxPostTransform):
        """MyST-NB's "Show code cell source" / "Hide code cell source" (and "... outputs",
        "... content") above a hidden cell, in the edition's language: after MyST-NB's
        HideInputCells (priority 199) has put the kind of the hidden part into its prompts."""

        default_priority = 210
        formats = ("html",)

        def run(self, **kwargs):
            if edition(self.config) == "en":
                return
            from myst_nb.sphinx_ import HideCodeCellNode

            for node in self.document.findall(HideCodeCellNode):
                for key in ("prompt_show", "prompt_hide"):
                    node[key] = chrome_text(self.app, node[key])

    return TranslateCellPrompts


def translate_theme_texts(app, pagename, templatename, context, doctree):
    """sphinx-book-theme translates its texts (the author's "By", "Contents", its buttons' tooltips)
    with its own catalog: the chrome catalog's translation goes first."""
    if edition(app.config) == "en" or "translate" not in context:
        return
    theme_translate = context["translate"]
    messages = chrome_messages(app.confdir, edition(app.config))

    def translate(text):
        return messages[text] if text in messages else theme_translate(text)

    context["translate"] = translate


def translate_template_attributes(app):
    """Attribute values the templates write without asking for a translation (UNTRANSLATED_ATTRIBUTES),
    replaced in every page the builder renders; and sphinx-copybutton's tooltips (it knows no
    Korean) given to its script."""
    own = edition(app.config)
    if own == "en" or app.builder.format != "html":
        return
    messages = chrome_messages(app.confdir, own)
    pairs = [(f'{attribute}="{text}"', f'{attribute}="{escape(messages[text])}"')
             for text in UNTRANSLATED_ATTRIBUTES if text in messages for attribute in ("title", "aria-label")]
    templates = app.builder.templates
    render = templates.render

    def render_translated(template, context):
        html = render(template, context)
        for old, new in pairs:
            html = html.replace(old, new)
        return html

    templates.render = render_translated
    copy = {key: messages[text] for key, text in COPYBUTTON_TEXTS.items() if text in messages}
    if copy:
        # After copybutton.js (priority 500), before the page is loaded (its buttons are made then).
        script = (f"if (typeof messages !== 'undefined') {{ messages[{json.dumps(own)}] = "
                  f"{json.dumps(copy, ensure_ascii=False)}; locale = {json.dumps(own)}; }}")
        app.builder.add_js_file("", body=script, priority=510)  # this build only, once


# Korean particles and endings that follow a noun (합성곱은, 패딩을, 스트라이드로, 풀링에서):
# longest first. The index stores the stem without them, the query is stripped in the same way.
KOREAN_PARTICLES = sorted("""은 는 이 가 을 를 의 에 와 과 도 만 로 으로 에서 에게 까지 부터 보다 처럼 이나 나
    이라 라 이란 란 이며 며 이고 고 이다 입니다 이므로 에는 에서는 으로는 로는 과는 와는 에도 으로도 로도
    만큼 마다 이라는 라는 이나마 조차 밖에 하고 이랑 랑 들 들은 들을 들의 들이 들과 들로""".split(),
                           key=len, reverse=True)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def strip_particle(word):
    """A Korean word without the particle that follows it (the stem keeps at least 2 syllables)."""
    if not _HANGUL.search(word):
        return word
    for particle in KOREAN_PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            return word[: -len(particle)]
    return word


_JS_STEMMER = """
var Stemmer = function() {
  const particles = %s;
  const english = new (function() { %s })();
  this.stemWord = function(word) {
    if (!/[\uac00-\ud7a3]/.test(word)) return english.stemWord(word);
    for (const p of particles)
      if (word.endsWith(p) && word.length - p.length >= 2) return word.slice(0, word.length - p.length);
    return word;
  };
};
"""


class SearchKorean(SearchLanguage):
    """Search for the Korean edition: Hangul words lose their particles (합성곱은, 합성곱을 ->
    합성곱) in the index and in the query alike; English words are stemmed as Sphinx's English
    search does (the Korean pages keep code names and English terms)."""

    lang = "ko"
    language_name = "Korean"

    def init(self, options):
        self.english = SearchEnglish(options)
        self.stopwords = set(self.english.stopwords)
        english_js = SearchEnglish.js_stemmer_code.replace("var Stemmer = function() {", "", 1)
        english_js = english_js[: english_js.rstrip().rstrip(";").rstrip().rfind("}")]
        self.js_stemmer_code = _JS_STEMMER % (json.dumps(KOREAN_PARTICLES, ensure_ascii=False), english_js)

    def stem(self, word):
        return strip_particle(word) if _HANGUL.search(word) else self.english.stem(word)

    def word_filter(self, word):
        return bool(_HANGUL.search(word)) or self.english.word_filter(word)


# ---------------------------------------------------------------------------------------------
# The bilingual glossary (book/glossary_terms.yml), rendered in the edition's language

GLOSSARY_FILE = "book/glossary_terms.yml"


def glossary_terms(root):
    import yaml

    return yaml.safe_load((Path(root) / GLOSSARY_FILE).read_text(encoding="utf-8"))["terms"]


def _inline(text):
    """Text with `code` spans as literal nodes."""
    parts = []
    for k, piece in enumerate(re.split(r"`([^`]*)`", text)):
        if piece:
            parts.append(nodes.literal(piece, piece) if k % 2 else nodes.Text(piece))
    return parts


def glossary_table(env, terms, own):
    from sphinx import addnodes

    heads = (["English", "한국어", "뜻", "처음 나오는 장"] if own == "ko"
             else ["English", "한국어", "meaning", "chapter"])
    table = nodes.table(classes=["book-glossary"])
    group = nodes.tgroup(cols=4)
    table += group
    for width in (18, 16, 50, 16):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    row = nodes.row()
    for text in heads:
        row += nodes.entry("", nodes.paragraph(text, text))
    head += row
    group += head
    body = nodes.tbody()
    for term in sorted(terms, key=lambda t: t["en"].lower()):
        row = nodes.row()
        row += nodes.entry("", nodes.paragraph(term["en"], term["en"]))
        row += nodes.entry("", nodes.paragraph(term["ko"], term["ko"]))
        row += nodes.entry("", nodes.paragraph("", "", *_inline(term["meaning"][own])))
        xref = addnodes.pending_xref("", nodes.inline("", "%s장" if own == "ko" else "Chapter %s"),
                                     refdomain="std", reftype="numref", reftarget=term["chapter"],
                                     refexplicit=True, refwarn=True, refdoc=env.docname)
        row += nodes.entry("", nodes.paragraph("", "", xref))
        body += row
    group += body
    return table


def glossary_directive_class():
    from sphinx.util.docutils import SphinxDirective

    class BookGlossary(SphinxDirective):
        """``{book-glossary}``: the table of book/glossary_terms.yml in the edition's language."""

        has_content = False

        def run(self):
            self.env.note_dependency(GLOSSARY_FILE)
            return [glossary_table(self.env, glossary_terms(self.env.app.confdir), edition(self.config))]

    return BookGlossary


# --- glue values inside translated prose ------------------------------------------------
# Sphinx applies a page's translations by parsing each translated paragraph as a document of
# its own, after myst-nb has detached the page's notebook: myst-nb's glue roles there would
# find no value ("No key ... found in glue data"). While the page itself is parsed, its glue
# roles see the notebook; it is remembered then and lent to those small documents, so that
# {glue:text}`key` in a Korean paragraph shows the very number the English page shows.
_NOTEBOOK_RENDERERS = {}  # docname -> the page's myst-nb renderer


def lend_notebook_to_translations():
    from myst_nb.ext.glue import directives, roles, utils

    original = utils.retrieve_glue_data

    def retrieve_glue_data(document, key):
        docname = getattr(getattr(document.settings, "env", None), "docname", None)
        if "nb_renderer" in document:
            _NOTEBOOK_RENDERERS[docname] = document["nb_renderer"]
            return original(document, key)
        if docname not in _NOTEBOOK_RENDERERS:
            return original(document, key)
        document["nb_renderer"] = _NOTEBOOK_RENDERERS[docname]
        try:
            return original(document, key)
        finally:  # only lent: a doctree holding the renderer could not be pickled
            del document["nb_renderer"]

    for module in (utils, roles, directives):
        module.retrieve_glue_data = retrieve_glue_data


# --- docstrings inside translated prose ---------------------------------------------------
# Sphinx parses a translated message with the parser of the page's source file: on a MyST page
# (the library reference, book/appendix_reference.md, whose autodoc directives read the
# library's docstrings) a docstring's message would be read as Markdown, and its reST
# (:func:`im2col`, a paragraph ending in "::", (N*OH*OW, C*FH*FW) inside *emphasis*) would
# show wrongly. A message whose node comes from a docstring ("...:docstring of ...") or from
# the content of an object description (``.. py:class::`` in an {eval-rst} block) is parsed as
# reST, the language it was written in, so that its translation keeps the same markup.
_TRANSLATING = {}  # the node whose message Sphinx's Locale transform is translating


def written_in_rest(node):
    from sphinx import addnodes

    if ":docstring of " in (getattr(node, "source", None) or ""):
        return True
    parent = getattr(node, "parent", None)
    while parent is not None:
        if isinstance(parent, addnodes.desc_content):
            return True
        parent = parent.parent
    return False


def parse_docstring_translations_as_rest():
    from docutils.io import StringInput
    from sphinx.io import SphinxI18nReader
    from sphinx.transforms import i18n

    if getattr(i18n.publish_msgstr, "bookext", False):
        return  # done once per process
    extract_messages, publish_msgstr = i18n.extract_messages, i18n.publish_msgstr

    def extract_noting_the_node(doctree):
        for node, message in extract_messages(doctree):
            _TRANSLATING["node"] = node
            yield node, message
        _TRANSLATING.pop("node", None)

    def publish(app, source, source_path, source_line, config, settings):
        node = _TRANSLATING.get("node")
        if node is None or not written_in_rest(node):
            return publish_msgstr(app, source, source_path, source_line, config, settings)
        origin = getattr(node, "source", None) or source_path
        rst_prolog, config.rst_prolog = config.rst_prolog, None
        try:
            reader = SphinxI18nReader()
            reader.setup(app)
            document = reader.read(
                source=StringInput(source=source, source_path=f"{origin}:{source_line}:<translated>"),
                parser=app.registry.create_source_parser(app, "restructuredtext"), settings=settings)
            return document[0] if len(document) else document
        finally:
            config.rst_prolog = rst_prolog

    publish.bookext = True
    i18n.extract_messages, i18n.publish_msgstr = extract_noting_the_node, publish


# --- translated nodes belong to their page --------------------------------------------------
# Sphinx parses each translated message as a document of its own and moves the nodes it made
# into the page; they keep that message's document as theirs, and through its settings the
# whole build environment. Pickled with the page, 23 such documents made a Korean doctree four
# times the English one (ch03: 601 KB against 145 KB, each holding a copy of the environment's
# domain data), and every cross-reference to a page unpickles it again (9 s of the Korean
# build here). Once the page is read, every node is made the page's own again.
def rehome_translated_nodes(app, doctree):
    for node in doctree.findall():
        if node._document not in (None, doctree):  # None: the node asks its parent
            node.document = doctree


# --- one set of default settings per parser -----------------------------------------------
# MyST's renderer makes a fresh docutils document for every Markdown fragment it renders, even
# when it is handed one (``options.get("document", make_document())`` evaluates its default),
# and docutils builds the default settings of a document from an option parser of every
# component: about 4 ms, for each of the 2,000 translated messages of the Korean edition (and
# each Markdown cell of a page), some 8 s of its 45 s build here. The defaults do not change
# within a build: they are made once per parser and each document gets its own copy.
def reuse_default_settings():
    import copy
    from functools import lru_cache

    from docutils.frontend import get_default_settings
    from docutils.utils import new_document
    from myst_parser.mdit_to_docutils import base

    if getattr(base.make_document, "bookext", False):
        return  # done once per process
    defaults = lru_cache(maxsize=None)(get_default_settings)

    def make_document(source_path="notset", parser_cls=base.RSTParser):
        return new_document(source_path, settings=copy.copy(defaults(parser_cls)))

    make_document.bookext = True
    base.make_document = make_document


# The kernels that run the pages inherit it (from this process, or from execute.py's workers):
# figures and explorers then draw both editions (book/figures.py, BUILD_VARIABLE).
KERNEL_ENVIRONMENT = {"SCRATCHCNN_BOOK_EDITIONS": "1"}


def setup(app):
    lend_notebook_to_translations()
    parse_docstring_translations_as_rest()
    reuse_default_settings()
    app.add_directive("book-glossary", glossary_directive_class())
    os.environ.update(KERNEL_ENVIRONMENT)
    app.add_search_language(SearchKorean)
    app.connect("doctree-read", keep_edition_outputs, priority=100)
    app.connect("doctree-read", rehome_translated_nodes)
    app.connect("html-page-context", edition_switch)
    # The chrome of the Korean edition (locales/ko/LC_MESSAGES/sphinx.po).
    app.connect("config-inited", translate_chrome_config)
    app.add_transform(toc_caption_transform())
    app.add_post_transform(cell_prompt_transform())
    app.connect("html-page-context", translate_theme_texts, priority=600)  # after sphinx-book-theme's
    app.connect("builder-inited", translate_template_attributes)
    app.connect("env-get-outdated", outdated_chrome)
    app.connect("build-finished", stamp_chrome)
    app.add_role("exercise", exercise_role)
    app.add_node(
        exercise_download,
        html=(visit_exercise_download, depart_exercise_download),
        latex=(visit_plain_reference, depart_plain_reference),
        text=(visit_plain_reference, depart_plain_reference),
        man=(visit_plain_reference, depart_plain_reference),
        texinfo=(visit_plain_reference, depart_plain_reference),
    )
    app.connect("config-inited", placeholder_repository)
    app.connect("doctree-read", note_grader_dependencies)
    app.connect("build-finished", check_output_paths)
    # After myst-nb's own builder-inited handler, which sets the cache path.
    app.connect("builder-inited", refresh_execution_cache, priority=900)
    app.connect("env-get-outdated", outdated_pages)
    app.connect("doctree-read", drop_widget_state)
    app.connect("html-page-context", drop_thebe_assets)
    app.connect("html-page-context", note_written_page)
    app.connect("build-finished", check_offline)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
