"""The book's two editions: English (``_build/html/``) and Korean (``_build/html/ko/``).

    python book/_ext/editions.py build            # the Korean edition (after the English one)
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
    """Build the book with Sphinx as ``jupyter-book build`` does, with ``language`` set."""
    from jupyter_book.sphinx import build_sphinx

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
    result = _sphinx("html", staging, build / language / ".doctrees", build, language=language)
    if result != 0:
        return result
    (staging / "index.html").write_text(REDIRECT, encoding="utf-8")
    target = build / "html" / language
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(staging, target)
    print(f"The {language} edition: file://{target / 'index.html'}")
    return 0


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
    parser.add_argument("command", choices=["build", "update", "check"])
    parser.add_argument("--language", default="ko", choices=LANGUAGES)
    parser.add_argument("--build-dir", default=str(REPO / "_build"),
                        help="the English build's folder (its .jupyter_cache is shared); default _build")
    args = parser.parse_args(argv)
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
