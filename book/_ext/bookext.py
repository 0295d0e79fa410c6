"""Sphinx extension of the course book: exercise links and the offline-site check.

Loaded by ``_config.yml`` (``sphinx.local_extensions``). Five jobs:

* The execution cache follows the code the pages import. Jupyter-cache only looks at a page's
  own cells, so after a change in the library (lib/scratchcnn) or in the book's helper modules
  (book/*.py, *.js, *.css) it would keep serving outputs computed by the old code, and Sphinx
  would not even re-read the unchanged pages. A fingerprint of those files is kept beside the
  cache; when it changes, the cache is emptied and every page is read, and so run, again.

* The ``{exercise}`NAME``` role links a chapter to its exercise notebook,
  ``exercises/NAME/NAME.ipynb``, in the repository named once in ``_config.yml``
  (``repository.url`` and ``repository.branch``): one link to view it, one to download it.
  The build warns (and so fails, with ``-W``) when that notebook does not exist in the
  checkout, so a renamed or missing exercise cannot leave a dead link on the site.
* After the HTML is written, every page is scanned for resources loaded from another host
  (``<script src>``, ``<link href>``, ``<img src>``, ...). The site must work offline, in a
  classroom without internet, so any such reference is reported as a warning.
* The widget state that executing a page records (the explorers create ipywidgets for
  JupyterLab) is not embedded in the pages: the book shows the explorers' own HTML view,
  never a widget, so the state would only add weight (see book/explorers.py).
* Thebe (live code in the page, through a Binder kernel) is switched off in ``_config.yml``,
  but Jupyter Book always loads the sphinx-thebe extension, which still adds its scripts to
  every page, twice: a ``const`` declared twice raises an error in the browser, and one of
  them names a CDN. Those scripts are removed from the pages while thebe is off.
"""

import hashlib
import shutil
from html.parser import HTMLParser
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

# The assignments of the course, in the order they are done (exercises/<name>/<name>.ipynb).
ASSIGNMENTS = ("toyConv", "toyPooling", "im2col", "layers", "convnet")


def repository_links(config, path):
    """(view URL, download URL) of ``path``, a file path relative to the repository root."""
    options = config.html_theme_options
    url = options.get("repository_url", "").rstrip("/")
    branch = options.get("repository_branch", "") or "main"
    # GitHub serves /blob/ as a page and /raw/ as the file itself (a download).
    return f"{url}/blob/{branch}/{path}", f"{url}/raw/{branch}/{path}"


def exercise_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{exercise}`toyConv``` -> "exercise toyConv (download)" linking to the notebook."""
    env = inliner.document.settings.env
    assignment = text.strip()
    location = (env.docname, lineno)
    if assignment not in ASSIGNMENTS:
        msg = f"unknown exercise {assignment!r}; the exercises are {', '.join(ASSIGNMENTS)}"
        logger.warning(msg, location=location)
    path = f"exercises/{assignment}/{assignment}.ipynb"
    if not (Path(env.app.confdir) / path).is_file():
        logger.warning(f"exercise notebook {path} does not exist in the repository", location=location)
    view, download = repository_links(env.config, path)
    view_node = nodes.reference(rawtext, "", internal=False, refuri=view, classes=["exercise-link"])
    view_node += nodes.literal(assignment, assignment)
    download_node = nodes.reference("", "download the notebook", internal=False, refuri=download)
    return [nodes.Text("exercise "), view_node, nodes.Text(" ("), download_node, nodes.Text(")")], []


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


def check_offline(app, exception):
    """Warn about every page resource that would be loaded from another host."""
    if exception is not None or app.builder.format != "html":
        return
    for page in sorted(Path(app.outdir).rglob("*.html")):
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


# What the pages import, relative to the repository root: a change here changes their outputs.
# The appendices also read the grader's code and assignment modules, and the released notebooks.
PAGE_DEPENDENCIES = (
    "lib/scratchcnn/**/*.py", "book/*.py", "book/*.js", "book/*.css",
    "autograder/**/*.py", "exercises/*/*.ipynb",
)  # fmt: skip
FINGERPRINT_FILE = "scratchcnn-book-dependencies.sha256"


def dependency_fingerprint(root):
    """SHA-256 of the names and contents of the files the pages import."""
    digest = hashlib.sha256()
    files = sorted({path for pattern in PAGE_DEPENDENCIES for path in Path(root).glob(pattern)})
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def refresh_execution_cache(app):
    """Empty the execution cache when the code the pages import has changed since it was filled."""
    app.env.bookext_dependencies_changed = False
    config = getattr(app.env, "mystnb_config", None)
    if config is None or config.execution_mode != "cache":
        return
    cache = Path(config.execution_cache_path)
    stamp = cache / FINGERPRINT_FILE
    fingerprint = dependency_fingerprint(app.confdir)
    if stamp.is_file() and stamp.read_text().strip() == fingerprint:
        return
    if cache.exists():
        logger.info(f"[bookext] the library or the book's modules changed: emptying {cache}")
        shutil.rmtree(cache)
    cache.mkdir(parents=True)
    stamp.write_text(fingerprint + "\n")
    app.env.bookext_dependencies_changed = True


def outdated_pages(app, env, added, changed, removed):
    """Every page, when the code the pages import changed (they must run again)."""
    if getattr(env, "bookext_dependencies_changed", False):
        return sorted(env.found_docs - added - changed - removed)
    return []


def setup(app):
    app.add_role("exercise", exercise_role)
    # After myst-nb's own builder-inited handler, which sets the cache path.
    app.connect("builder-inited", refresh_execution_cache, priority=900)
    app.connect("env-get-outdated", outdated_pages)
    app.connect("doctree-read", drop_widget_state)
    app.connect("html-page-context", drop_thebe_assets)
    app.connect("build-finished", check_offline)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
