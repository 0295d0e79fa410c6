"""The book's two editions: English (``_build/html/``) and Korean (``_build/html/ko/``).

    python book/_ext/editions.py book             # both editions, side by side (`make book`)
    python book/_ext/editions.py build            # the Korean edition alone (from `book`'s cache)
    python book/_ext/editions.py update           # refresh the catalogs locales/ko/**/*.po
    python book/_ext/editions.py check            # the translated pages are complete and current

One source of code and numbers: the Korean edition is the same Sphinx project built a second
time with ``language=ko``. Its prose comes from the message catalogs
``locales/ko/LC_MESSAGES/book/<page>.po`` (Sphinx's gettext machinery, one catalog per page);
its code cells are the English pages' own cells, so jupyter-cache serves the outputs the English
build executed (``_build/.jupyter_cache``, shared): every number on a Korean page comes from the
same executed code. Figures and explorers produce both languages in the same executed cell;
book/_ext/bookext.py keeps the edition's own (see ``keep_edition_outputs`` there).

Also translated, besides the pages' prose: the figures' alternative texts (messages of the page's
catalog, like the captions); a word or phrase a page computes for its prose ("faster", "5
minutes"), glued in both languages by ``figures.glue_editions`` (``{glue:text}`key_ko``` in the
Korean catalog, its translation in ``locales/ko/figures/<page>.yml``); and the chrome around the
pages (the sidebar's parts, "Show code cell source", the theme's buttons, the search box, title
and footer), from the hand-written catalog ``locales/ko/LC_MESSAGES/sphinx.po`` (bookext.py, "The
chrome of an edition"). The library reference's docstrings are reST: their translations keep
the reST markup (a particle right after inline markup needs an escaped space, ``x``\\ 는).

Which pages are translated is said in ONE place, ``locales/ko/pages.yml``; ``check`` (and the
test tests/test_book_ko.py) regenerates the message templates from the current English sources
in a temporary folder, merges them into a copy of the catalogs with ``sphinx-intl update`` and
fails for every untranslated or fuzzy message of a translated page: an English paragraph that
changed without its translation fails.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCALES = REPO / "locales"
PAGES_FILE = LOCALES / "ko" / "pages.yml"
LANGUAGES = ("ko",)
REDIRECT = '<meta http-equiv="Refresh" content="0; url=book/intro.html" />\n'


def translated_pages(language="ko"):
    """The docnames (``book/ch01_why_convolution``) whose translation is declared complete."""
    import yaml

    data = yaml.safe_load((LOCALES / language / "pages.yml").read_text(encoding="utf-8")) or {}
    return list(data.get("translated") or [])


def _sphinx(builder, outdir, doctreedir, build, language=None, warningiserror=True, quiet=False, execute=True):
    """Build the book with Sphinx as ``jupyter-book build`` does, with ``language`` set. The
    kernels that execute pages log into ``build``/kernels.log (execute.py)."""
    from jupyter_book.sphinx import build_sphinx

    from execute import KERNEL_LOG, kernels_logging_to

    overrides = {
        "external_toc_path": (REPO / "_toc.yml").as_posix(),
        "nitpicky": True,
        "latex_individualpages": False,
        # Shared with the English build: the same cells, the same cached outputs.
        "nb_execution_cache_path": str(Path(build) / ".jupyter_cache"),
    }
    if language:
        overrides["language"] = language
    if not execute:
        # Messages are the pages' prose: nothing needs to run to list them.
        overrides["nb_execution_mode"] = "off"
    if builder == "gettext":
        # The figures' alternative texts (a cell's mystnb.image.alt) are messages too, translated
        # by Sphinx like the captions; but MyST-NB gives the gettext builder only the text/plain
        # of an output, no image: here a PNG output is shown to it as to the HTML builder.
        overrides["nb_mime_priority_overrides"] = [("gettext", "image/png", 5)]
    cwd = os.getcwd()
    os.chdir(REPO)  # relative paths of _config.yml (book/_ext, book/_static) are the root's
    try:
        with kernels_logging_to(Path(build) / KERNEL_LOG):
            return build_sphinx(
                REPO, outdir, noconfig=True, path_config=str(REPO / "_config.yml"), confoverrides=overrides,
                doctreedir=doctreedir, builder=builder, warningiserror=warningiserror, keep_going=True,
                quiet=quiet,
            )
    finally:
        os.chdir(cwd)


def build_edition(language="ko", build=REPO / "_build"):
    """Build the ``language`` edition into ``build/<language>/html`` and put it at
    ``build/html/<language>/`` (beside the English pages, with the same page names)."""
    build = Path(build).resolve()
    staging = build / language / "html"
    stamp = build / language / INPUTS_STAMP
    inputs = _inputs_fingerprint(build)
    if stamp.is_file() and stamp.read_text() == inputs and (staging / "index.html").is_file():
        print(f"The {language} edition is up to date: none of its inputs changed since it was built")
    else:
        stamp.unlink(missing_ok=True)
        result = _sphinx("html", staging, build / language / ".doctrees", build, language=language)
        if result != 0:
            return result
        (staging / "index.html").write_text(REDIRECT, encoding="utf-8")
        stamp.write_text(inputs)
    target = build / "html" / language
    _mirror(staging, target)
    print(f"The {language} edition: file://{target / 'index.html'}")
    return 0


# Everything a translated page is made from: the sources and their catalogs, what the pages
# and appendices read (library, grader, exercises), the executed outputs (the shared cache),
# and the versions of the build's own tools.
EDITION_INPUTS = ("_config.yml", "_toc.yml", "pyproject.toml", "book/**/*", "locales/**/*", "lib/scratchcnn/**/*",
                  "autograder/**/*", "solutions/**/*", "exercises/**/*")  # fmt: skip
BUILD_TOOLS = ("sphinx", "jupyter-book", "myst-nb", "myst-parser", "sphinx-book-theme", "docutils")
INPUTS_STAMP = "inputs.sha256"


def _inputs_fingerprint(build):
    """A digest of the name, size and modification time of every input of an edition's build
    (and of the execution cache's files): when it has not changed, neither would the pages."""
    import hashlib
    from importlib import metadata

    digest = hashlib.sha256()
    files = {path for pattern in EDITION_INPUTS for path in REPO.glob(pattern)}
    files |= set((Path(build) / ".jupyter_cache").rglob("*"))
    for path in sorted(path for path in files if path.is_file() and "__pycache__" not in path.parts):
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    for tool in BUILD_TOOLS:
        digest.update(f"{tool} {metadata.version(tool)}\n".encode())
    return digest.hexdigest()


def _mirror(source, target):
    """Make the folder ``target`` a copy of ``source``, copying only the files that differ
    (size or modification time) and removing what ``source`` no longer has: a build that
    rewrote three pages copies three pages."""
    target.mkdir(parents=True, exist_ok=True)
    wanted = {path.relative_to(source) for path in source.rglob("*") if path.is_file()}
    for path in sorted(target.rglob("*"), reverse=True):  # files before their folders
        relative = path.relative_to(target)
        if path.is_file() and relative not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for relative in wanted:
        origin, copy = source / relative, target / relative
        stat = origin.stat()
        if copy.is_file() and copy.stat().st_size == stat.st_size and copy.stat().st_mtime == stat.st_mtime:
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, copy)


def build_book(build=REPO / "_build"):
    """Every edition (`make book`): the English book into ``build/html`` as ``jupyter-book
    build . -W -n --keep-going`` makes it, and beside it the other editions.

    First the pages missing from the execution cache are executed, several at once (see
    execute.py). From then on the editions only read that cache: each is a Sphinx build of its
    own (Sphinx is one build per process), so the others run in child processes while this
    one builds the English pages, a core each. A child's messages are printed after the
    English build's, whole, so that the log reads one edition at a time."""
    from execute import KERNEL_LOG, execute_missing

    build = Path(build).resolve()
    build.mkdir(parents=True, exist_ok=True)
    (build / KERNEL_LOG).write_text("")  # this build's kernels only
    execute_missing(build)  # the pages not in the cache, one kernel per core (execute.py)
    with tempfile.TemporaryDirectory() as logs:
        editions = {}
        for language in LANGUAGES:
            log = open(Path(logs) / language, "w+", encoding="utf-8")
            command = [sys.executable, __file__, "build", "--language", language, "--build-dir", str(build)]
            editions[language] = (log, subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))
        try:
            result = _sphinx("html", build / "html", build / ".doctrees", build)
        except BaseException:  # an interrupted build (Ctrl-C) leaves no edition building on
            for _, child in editions.values():
                child.kill()
            raise
        for language, (log, child) in editions.items():
            code = child.wait()
            sys.stdout.flush()
            log.seek(0)
            shutil.copyfileobj(log, sys.stdout)
            log.close()
            if code != 0:
                print(f"The {language} edition failed ({code})", file=sys.stderr)
            result = result or code
    return result


def make_templates(into, build=REPO / "_build"):
    """Message templates (.pot) of every page, from the current English sources, in ``into``."""
    build = Path(build).resolve()
    with tempfile.TemporaryDirectory() as doctrees:
        # Executed (from the cache of the English build: `make book` first), so that the
        # figures' captions, which wrap their outputs, are messages too.
        result = _sphinx("gettext", Path(into), doctrees, build, quiet=True, warningiserror=False)
    if result != 0:
        raise RuntimeError(f"the gettext build failed ({result})")


def sphinx_intl_update(pot_dir, locale_dir, language="ko"):
    sphinx_intl = Path(sys.executable).parent / "sphinx-intl"
    subprocess.run([str(sphinx_intl), "update", "-p", str(pot_dir), "-d", str(locale_dir), "-l", language,
                    "-w", "0"], check=True, capture_output=True, text=True)


def catalog_problems(po_file):
    """Untranslated and fuzzy messages of one catalog, as readable lines."""
    from babel.messages.pofile import read_po

    with open(po_file, "rb") as handle:
        catalog = read_po(handle)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        text = message.id if isinstance(message.id, str) else message.id[0]
        short = " ".join(text.split())[:100]
        if message.fuzzy:
            problems.append(f"fuzzy (the English changed; check and update the translation): {short!r}")
        elif not (message.string if isinstance(message.string, str) else all(message.string)):
            problems.append(f"untranslated: {short!r}")
    return problems


def check(language="ko", build=REPO / "_build", pages=None):
    """{page: problems} for the translated pages, against templates made from the current
    English sources (in a temporary copy: the repository's catalogs are not touched)."""
    pages = translated_pages(language) if pages is None else pages
    found = {}
    with tempfile.TemporaryDirectory() as tmp:
        pot_dir, locale_dir = Path(tmp) / "gettext", Path(tmp) / "locales"
        make_templates(pot_dir, build)
        shutil.copytree(LOCALES, locale_dir)
        sphinx_intl_update(pot_dir, locale_dir, language)
        for page in pages:
            po = locale_dir / language / "LC_MESSAGES" / f"{page}.po"
            if not po.is_file():
                found[page] = [f"no catalog {po.relative_to(locale_dir)}"]
                continue
            problems = catalog_problems(po)
            if problems:
                found[page] = problems
    return found


def update(language="ko", build=REPO / "_build"):
    """Refresh the repository's catalogs from the current English sources (for translators)."""
    with tempfile.TemporaryDirectory() as tmp:
        make_templates(Path(tmp), build)
        sphinx_intl_update(Path(tmp), LOCALES, language)
    print(f"catalogs updated in {LOCALES / language / 'LC_MESSAGES'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["book", "build", "update", "check"])
    parser.add_argument("--language", default="ko", choices=LANGUAGES)
    parser.add_argument("--build-dir", default=str(REPO / "_build"),
                        help="the English build's folder (its .jupyter_cache is shared); default _build")
    args = parser.parse_args(argv)
    if args.command == "book":
        return build_book(args.build_dir)
    if args.command == "build":
        return build_edition(args.language, args.build_dir)
    if args.command == "update":
        update(args.language, args.build_dir)
        return 0
    found = check(args.language, args.build_dir)
    for page, problems in found.items():
        print(f"{page}: {len(problems)} message(s) to translate", *problems, sep="\n  ")
    if not found:
        print(f"every translated page ({', '.join(translated_pages(args.language))}) is complete and current")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
