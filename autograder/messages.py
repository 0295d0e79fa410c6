"""The words the checks and the grader say to a student, in the language of their notebook.

Every sentence a student reads from the grader's code (the lines :mod:`autograder.notebook`
prints and raises, the mismatches and usual mistakes of :mod:`autograder.compare`, the
verdicts of :mod:`autograder.verdict` and :mod:`autograder.grade`) is written once, in
English, as a template with named fields and passed through :func:`tr`::

    tr("{name} has shape {shape}; expected {expected}", name=name, shape=..., expected=...)

The English template is also the message id of every other language's catalog,
``autograder/locale/<language>.po`` (gettext; read here with the standard library only, so
the checks need nothing more on a student's computer or in the sandbox). A message missing
from the catalog, empty or marked fuzzy is said in English. ``python -m autograder translate
update`` collects the templates (every ``tr("...")`` literal of the grader's modules and the
sentences of :data:`autograder.compare.MISTAKES`) into the catalogs and ``... translate
check`` (and tests/test_exercises_ko.py) fails while one is untranslated, fuzzy or stale.

Which language is spoken:

* in a notebook, the one its locked setup cell chose with ``use_language("ko")`` (the Korean
  release writes that call, see :mod:`autograder.editions`), for the whole kernel;
* in the grader, :func:`speaking` for the thread that judges one student's notebook, so
  that students graded at the same time each get their own language (with the assignment's
  own translations, for the messages of its ``grading.py``, which calls :func:`tr` too);
* anywhere else, English.
"""

import ast
import contextlib
import contextvars
import functools
from pathlib import Path

from .syntax import parse

LANGUAGES = ("en", "ko")  # English is the language of the templates themselves
LOCALE = Path(__file__).resolve().parent / "locale"

_kernel_language = "en"  # what use_language() chose (a notebook's kernel)
# The grader's threads: (language, the assignment's own translations) or None.
_speaking = contextvars.ContextVar("autograder_language", default=None)


def known(language):
    """``language`` if it is one of :data:`LANGUAGES`, else English (never trust the caller)."""
    return language if isinstance(language, str) and language in LANGUAGES else "en"


def use_language(language):
    """Say every later message of this kernel in ``language`` ("en" or "ko").

    A notebook's setup cell calls it; an unknown language raises ValueError.
    """
    global _kernel_language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
    _kernel_language = language


@contextlib.contextmanager
def speaking(language, translations=None):
    """Within the block, this thread says its messages in ``language`` (unknown: English).

    ``translations`` ({English template: translation}) come before the catalog: an
    assignment's own messages, from its catalog (see :mod:`autograder.editions`).
    """
    token = _speaking.set((known(language), dict(translations or {})))
    try:
        yield
    finally:
        _speaking.reset(token)


def current():
    """The language messages are said in here and now."""
    chosen = _speaking.get()
    return chosen[0] if chosen else _kernel_language


def _unquote(line):
    """The text of one PO string line ``"..."`` (C escapes, as gettext writes them)."""
    value = ast.literal_eval(parse(line, mode="eval"))
    if not isinstance(value, str):
        raise ValueError(f"not a PO string: {line!r}")
    return value


def read_catalog(path):
    """{msgid: msgstr} of the translated, not fuzzy messages of the PO file ``path``.

    A small reader of what gettext tools (and babel) write: comments, flags, ``msgid``,
    ``msgstr`` and continuation lines; obsolete (``#~``) entries are skipped.
    """
    messages, entry, field, fuzzy = {}, {}, None, False

    def finish():
        # Only singular messages: a plural entry's msgstr[0], msgstr[1] ... are not used.
        if entry.get("msgid") and entry.get("msgstr") and not fuzzy:
            messages[entry["msgid"]] = entry["msgstr"]

    def in_msgstr():
        return field is not None and field.startswith("msgstr")

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if in_msgstr():  # a blank or comment line after a msgstr ends the entry
                finish()
                entry, field, fuzzy = {}, None, False
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if line.startswith('"'):
            if field:
                entry[field] += _unquote(line)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgid" and in_msgstr():
            finish()
            entry, fuzzy = {}, False
        field = keyword
        entry[field] = _unquote(rest)
    if in_msgstr():
        finish()
    return messages


@functools.lru_cache(maxsize=None)
def catalog(language):
    """{English template: translation} for ``language`` ({} for English or a missing file)."""
    path = LOCALE / f"{language}.po"
    if language == "en" or not path.is_file():
        return {}
    return read_catalog(path)


def tr(template, /, **fields):
    """``template`` in the current language, its ``{fields}`` filled in.

    A translation whose fields do not fit (a catalog error) falls back on the English.
    """
    chosen = _speaking.get()
    language = chosen[0] if chosen else _kernel_language
    translated = None
    if language != "en":
        translated = (chosen[1].get(template) if chosen else None) or catalog(language).get(template)
    if translated:
        try:
            return translated.format(**fields)
        except (KeyError, IndexError, ValueError):
            pass
    return template.format(**fields)
