"""An exercise in another language: one English source, a translation catalog, the same grading.

An assignment is written once, in English (``solutions/<A>/<A>.ipynb``). Its translation
into another language (Korean, ``ko``) lives in the same folder, ``solutions/<A>/ko.po``: a
gettext catalog whose message ids are the English texts a student reads, and only those:

* every block of a Markdown cell (a paragraph, list, table or heading: the text between two
  blank lines);
* in code cells, the human-language pieces: comments (a run of comment lines is one
  message), docstrings, the name and ``hint=`` of every check (``expect_close``,
  ``expect_shape``, ``expect_error``), and the strings given to ``print()`` or to a raised
  exception (an f-string keeps its ``{fields}``);
* from the grading specification, ``grading.py``: the reasons of its ``Forbidden`` rules and
  the templates it passes to :func:`autograder.messages.tr` (its hidden tests' verdicts and
  the labels of their cases), which the feedback quotes.

The code is never translated. A translated notebook is the English one with those pieces
replaced, cell for cell: the same cells in the same order, the same nbgrader metadata,
grade_ids and points, and code cells whose syntax trees differ only in those strings
(tests/test_exercises_ko.py checks all of it). The one other difference is chosen here, not
by the translator: the setup cell's ``use_language("en")`` names the edition's language, so
that the checks' own messages are in that language too (:mod:`autograder.messages`). The
notebook's metadata says its edition: ``metadata["scratchcnn"] = {"edition": "ko"}``.

Where each edition is used:

* ``release`` writes ``exercises/<language>/<A>/<A>.ipynb`` (the same file name, so handing
  in and collecting work unchanged) from the English release and the catalog; an assignment
  without a catalog is offered in English only;
* the grader reads the edition from the submission's metadata (anything but a language the
  assignment is offered in means English: the marker is the student's to forge), rebuilds
  the notebook from that edition's template (:class:`autograder.reconstruct.Template`), and
  judges it with that edition's checks, which are the English ones with other names and
  hints: the same cells, points, hidden tests and gradebook rows, so the same score. Either
  edition's read-only cells are recognised as given, whichever edition a notebook claims;
* ``publish`` copies and leak-checks every edition.

Keeping a translation current: ``python -m autograder translate update [A ...]`` merges the
current English texts into each catalog (a changed text becomes *fuzzy*, with its old
translation and the previous English beside it; a new one is untranslated), and ``python -m
autograder translate check`` lists what is untranslated, fuzzy or stale, and translations
that break the notebook (a lost ``{field}``, code span or formula). A piece without a valid
translation stays English in the release, and the tests fail until it is translated.
"""

import ast
import copy
import inspect
import io
import json
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

from .config import REPO_ROOT, RELEASE_DIRECTORY, SOURCE_DIRECTORY, grading_file, release_notebook
from .syntax import parse

ENGLISH = "en"
TRANSLATIONS = ("ko",)  # the languages an assignment may be translated into (a catalog each)
METADATA_KEY = "scratchcnn"  # notebook.metadata["scratchcnn"] = {"edition": "ko"}
CHECKS = ("expect_close", "expect_shape", "expect_error")
LANGUAGE_CALL = "use_language"
# Comments that are code, not prose: nbgrader's stub, tool directives.
KEPT_COMMENTS = re.compile(r"^(YOUR CODE HERE|noqa\b.*|fmt: .*|type: .*|pragma\b.*)$")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def catalog_path(assignment, language, root=REPO_ROOT):
    """``solutions/<assignment>/<language>.po``."""
    return Path(root) / SOURCE_DIRECTORY / assignment / f"{language}.po"


def editions(assignment, root=REPO_ROOT):
    """The languages ``assignment`` is offered in: English, then each one with a catalog."""
    return (ENGLISH,) + tuple(lang for lang in TRANSLATIONS if catalog_path(assignment, lang, root).is_file())


def release_path(assignment, language=ENGLISH, root=REPO_ROOT):
    """``exercises/<A>/<A>.ipynb`` (English) or ``exercises/<language>/<A>/<A>.ipynb``."""
    if language == ENGLISH:
        return release_notebook(assignment, root)
    return Path(root) / RELEASE_DIRECTORY / language / assignment / f"{assignment}.ipynb"


def edition_of(metadata, assignment, root=REPO_ROOT):
    """The edition a notebook's metadata claims, if ``assignment`` is offered in it; else English.

    ``metadata`` is whatever the student's file holds: anything may be there.
    """
    meta = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
    language = meta.get("edition") if isinstance(meta, dict) else None
    if isinstance(language, str) and language in TRANSLATIONS and language in editions(assignment, root):
        return language
    return ENGLISH


# --- the pieces of a cell ------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """One translatable text of a cell: ``text`` (the message id) at ``source[start:end]``.

    ``kind``: "markdown", "comment", "trailing comment", "docstring", "check name", "hint",
    "message" (print or exception), "f-string" (a message with fields) or "language" (the
    argument of the setup cell's use_language, which the edition sets, not the catalog).
    ``render(translation)`` is the text that replaces ``source[start:end]``.
    """

    text: str
    kind: str
    start: int
    end: int
    render: object


def worth_translating(text):
    """Whether ``text`` has words (not only notation, code spans or formulas)."""
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$|`[^`\n]*`", " ", text, flags=re.S)
    return re.search(r"[a-z]{2,}", text) is not None


def english_words(text):
    """The English words of ``text`` outside code spans, formulas, quotes, {fields} and identifiers."""
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$|`[^`\n]*`|'[^'\n]*'|\"[^\"\n]*\"|\{[^{}\n]*\}", " ", text, flags=re.S)
    return re.findall(r"(?<![\w.\[/\\-])[a-z]{3,}(?![\w(\[/-])", text)


def _markdown_pieces(source):
    pieces, position = [], 0
    for block in source.split("\n\n"):
        start = position + len(block) - len(block.lstrip())
        text = block.strip()
        position += len(block) + 2
        if text and worth_translating(text):
            pieces.append(Piece(text, "markdown", start, start + len(text), lambda t: t))
    return pieces


class _Offsets:
    """Character offsets in a cell's source from (line, column) positions."""

    def __init__(self, source):
        self.lines = source.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def chars(self, line, column):
        return self.starts[line - 1] + column

    def from_bytes(self, line, byte_column):  # the ast module counts columns in UTF-8 bytes
        return self.chars(line, len(self.lines[line - 1].encode("utf-8")[:byte_column].decode("utf-8", "replace")))

    def span(self, node):
        return self.from_bytes(node.lineno, node.col_offset), self.from_bytes(node.end_lineno, node.end_col_offset)


def _comment_pieces(source, tokens, offsets):
    """Trailing comments one by one; a run of comment lines (same column, no gap) as one text."""
    pieces, run = [], []  # run: [(row, column, end column, text)]

    def flush():
        if run:
            (row, col, _, _), (last_row, _, end, _) = run[0], run[-1]
            text = "\n".join(entry[3] for entry in run)
            if worth_translating(text):
                indent = "\n" + " " * col
                render = lambda t, indent=indent: indent.join(f"# {line}".rstrip() for line in t.split("\n"))  # noqa: E731
                pieces.append(Piece(text, "comment", offsets.chars(row, col), offsets.chars(last_row, end), render))
            run.clear()

    lines = source.splitlines()
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        (row, col), (_, end) = token.start, token.end
        found = re.fullmatch(r"# (\S.*?)\s*", token.string)
        if not found or KEPT_COMMENTS.match(found.group(1)):  # "### BEGIN ...", "# YOUR CODE HERE", "#x"
            flush()
            continue
        text = found.group(1)
        if lines[row - 1][:col].strip():  # after code on the same line
            flush()
            if worth_translating(text):
                render = lambda t: "# " + " ".join(t.split())  # noqa: E731
                pieces.append(Piece(text, "trailing comment", offsets.chars(row, col), offsets.chars(row, end), render))
            continue
        if run and (run[-1][0] != row - 1 or run[0][1] != col):
            flush()
        run.append((row, col, end, text))
    flush()
    return pieces


def _string_literal(segment):
    """(prefix, quote, body) of a plain or f-string literal's source, or None."""
    found = re.fullmatch(r"([fFuU]?)(\"\"\"|'''|\"|')(.*)\2", segment, re.S)
    return found.groups() if found else None


def _docstring_render(segment, column):
    parts = _string_literal(segment)
    if not parts or parts[0].lower() == "f" or len(parts[1]) != 3:
        return None
    prefix, quote, body = parts
    closing_alone = re.search(r"\n[ \t]*\Z", body) is not None
    indent = " " * column

    def render(text):
        lines = text.split("\n")
        body = lines[0] + "".join("\n" + (indent + line if line else "") for line in lines[1:])
        return prefix + quote + body + ("\n" + indent if closing_alone else "") + quote

    return render


def _string_pieces(source, tree, offsets):
    pieces = []

    def add(node, kind):
        start, end = offsets.span(node)
        segment = source[start:end]
        if isinstance(node, ast.JoinedStr):
            parts = _string_literal(segment)
            if parts and parts[0].lower() == "f" and "\n" not in parts[2] and worth_translating(parts[2]):
                prefix, quote, body = parts
                pieces.append(Piece(body, "f-string", start, end, lambda t, p=prefix, q=quote: f"{p}{q}{t}{q}"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and worth_translating(node.value):
            pieces.append(Piece(node.value, kind, start, end, lambda t: json.dumps(t, ensure_ascii=False)))

    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                start, end = offsets.span(first.value)
                render = _docstring_render(source[start:end], first.value.col_offset)
                text = inspect.cleandoc(first.value.value)
                if render and worth_translating(text):
                    pieces.append(Piece(text, "docstring", start, end, render))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if name in CHECKS:
                if node.args:
                    add(node.args[0], "check name")
                for keyword in node.keywords:
                    if keyword.arg == "hint":
                        add(keyword.value, "hint")
            elif name == "print":
                for argument in node.args:
                    add(argument, "message")
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            for argument in node.exc.args:
                add(argument, "message")
    for statement in tree.body:  # the setup cell's use_language("en"): the edition's language
        call = statement.value if isinstance(statement, ast.Expr) else None
        if (
            isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == LANGUAGE_CALL
            and len(call.args) == 1 and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)
        ):  # fmt: skip
            start, end = offsets.span(call.args[0])
            pieces.append(Piece(call.args[0].value, "language", start, end, lambda t: json.dumps(t)))
    return pieces


def cell_pieces(source, cell_type):
    """The :class:`Piece` objects of one cell, in order; None for code that cannot be parsed."""
    if cell_type == "markdown":
        return _markdown_pieces(source)
    if cell_type != "code":
        return []
    try:
        tree = parse(source)
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (SyntaxError, tokenize.TokenError, ValueError):
        return None
    offsets = _Offsets(source)
    pieces = _comment_pieces(source, tokens, offsets) + _string_pieces(source, tree, offsets)
    return sorted(pieces, key=lambda piece: piece.start)


def translate_source(source, cell_type, translations, language):
    """(``source`` in ``language``, [the message ids that had no translation]).

    ``translations`` is {English text: translation}; an untranslated piece stays English.
    """
    pieces = cell_pieces(source, cell_type) or []
    missing = []
    for piece in sorted(pieces, key=lambda p: p.start, reverse=True):
        if piece.kind == "language":
            text = piece.render(language)
        elif translations.get(piece.text):
            text = piece.render(translations[piece.text])
        else:
            missing.append(piece.text)
            continue
        source = source[: piece.start] + text + source[piece.end :]
    return source, missing[::-1]


def code_shape(source):
    """The syntax tree of the code ``source`` with every string blanked, as text (``source``
    itself if it cannot be parsed): what a translation, which changes only comments and
    strings, leaves as it is."""
    try:
        tree = parse(source)
    except (SyntaxError, ValueError):
        return source
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            node.values = [value for value in node.values if isinstance(value, ast.FormattedValue)]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
    return ast.dump(tree)


def translate(notebook, translations, language):
    """A copy of ``notebook`` (nbformat) in ``language``: every cell translated, nothing else
    changed but the edition in the metadata."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        cell.source, _ = translate_source(cell.source, cell.cell_type, translations, language)
    notebook.metadata[METADATA_KEY] = {"edition": language}
    return notebook


def load_translations(assignment, language, root=REPO_ROOT):
    """{English text: translation} of the assignment's catalog (translated, not fuzzy)."""
    from .messages import read_catalog

    path = catalog_path(assignment, language, root)
    return read_catalog(path) if path.is_file() else {}


def grader_translations(assignment, language, root=REPO_ROOT):
    """The translations the grader speaks with for ``assignment``: its own catalog's, then every
    other assignment's (one grading.py may build on another's, as layers does on toyConv's)."""
    from .config import assignments

    merged = {}
    for name in assignments(root):
        if name != assignment:
            merged.update(load_translations(name, language, root))
    merged.update(load_translations(assignment, language, root))
    return merged


def translated_reason(reason, translations):
    """A Forbidden rule's reason in the edition of ``translations`` (else the English)."""
    return translations.get(reason) or reason


# --- catalogs ----------------------------------------------------------------------------


def cleared_source(assignment, root=REPO_ROOT):
    """The source notebook with the solutions cleared (hidden tests kept): what is translated."""
    import nbformat
    from nbgrader.preprocessors import ClearSolutions

    from .config import source_notebook

    notebook = nbformat.read(source_notebook(assignment, root), as_version=4)
    return ClearSolutions().preprocess(notebook, {})[0]


def _label(cell, index):
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"cell {index + 1}" + (f" ({grade_id})" if grade_id else "")


def english_texts(assignment, root=REPO_ROOT):
    """[(text, kind, where)] of every message of ``assignment``, in notebook order, each once.

    ``where`` says where a student meets it first: "cell 4 (conv_forward)", or grading.py.
    """
    from .probes import load_spec

    found, seen = [], set()
    for index, cell in enumerate(cleared_source(assignment, root).cells):
        pieces = cell_pieces(cell.source, cell.cell_type)
        for piece in pieces or []:
            if piece.kind != "language" and piece.text not in seen:
                seen.add(piece.text)
                found.append((piece.text, piece.kind, _label(cell, index)))
    for rule in load_spec(assignment).forbidden:
        if rule.reason not in seen:
            seen.add(rule.reason)
            found.append((rule.reason, "forbidden reason", "grading.py"))
    for text in tr_templates(grading_file(assignment, root)):
        if text not in seen:
            seen.add(text)
            found.append((text, "template", "grading.py"))
    return found


def tr_templates(path):
    """The literal templates of every ``tr("...")`` call in the Python file ``path``, in order."""
    calls = [
        node
        for node in ast.walk(parse(Path(path).read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr" and node.args
        and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
    ]  # fmt: skip
    return [node.args[0].value for node in sorted(calls, key=lambda call: (call.lineno, call.col_offset))]


def _template_catalog(texts, language, title):
    from datetime import datetime, timezone

    from babel.messages.catalog import Catalog

    fixed = datetime(2025, 1, 1, tzinfo=timezone.utc)  # the same file for the same texts
    header = (f"# {title}: the {language} translation (python -m autograder translate update|check).\n"
              "# Message ids are the English texts; see autograder/editions.py.")  # fmt: skip
    catalog = Catalog(locale=language, project="scratchcnn", version="1", creation_date=fixed, revision_date=fixed,
                      fuzzy=False, header_comment=header, last_translator="the course's translators",
                      language_team=language)  # fmt: skip
    for text, kind, where in texts:
        catalog.add(text, auto_comments=[f"{where}: {kind}"])
    return catalog


def update_catalog(path, texts, language, title):
    """Merge the English ``texts`` ([(text, kind, where)]) into the catalog at ``path``.

    A text whose English changed becomes fuzzy (its old translation kept, the previous
    English beside it), a new text untranslated; texts no longer used are dropped.
    """
    from babel.messages.pofile import read_po, write_po

    template = _template_catalog(texts, language, title)
    if Path(path).is_file():
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale=language)
        catalog.update(template, update_header_comment=False, update_creation_date=False)
        catalog.revision_date = template.revision_date
    else:
        catalog = template
    for message in catalog:  # the comments say where each text is now
        if message.id and message.id in template:
            message.auto_comments = template[message.id].auto_comments
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=96, sort_output=False, ignore_obsolete=True, include_previous=True)
    return path


def _inline(text, pattern):
    return re.findall(pattern, text)


CODE_SPAN = r"`[^`\n]+`"
FORMULA = r"\$\$.*?\$\$|\$[^$\n]+\$"


def translation_problems(text, kind, translation):
    """What is wrong with ``translation`` of ``text`` (a piece of this ``kind``), as phrases."""
    problems = []
    if kind in ("markdown",):
        for span in sorted(set(_inline(text, CODE_SPAN)) - set(_inline(translation, CODE_SPAN))):
            problems.append(f"the code span {span} is missing")
        for formula in sorted(set(_inline(text, FORMULA)) - set(_inline(translation, FORMULA))):
            problems.append(f"the formula {formula} is missing")
        heading = re.match(r"#+ ", text)
        if heading and not translation.startswith(heading.group(0)):
            problems.append(f"a heading must start with {heading.group(0)!r}")
        english_rows = [line.count("|") for line in text.splitlines() if line.startswith("|")]
        korean_rows = [line.count("|") for line in translation.splitlines() if line.startswith("|")]
        if english_rows != korean_rows:
            problems.append("the table's rows and columns differ from the English")
    if kind == "f-string":
        fields = lambda t: [ast.dump(v) for v in ast.walk(parse("f" + json.dumps(t))) if isinstance(v, ast.FormattedValue)]  # noqa: E731
        try:
            if fields(translation) != fields(text):
                problems.append("the {fields} differ from the English (same ones, in the same order)")
        except SyntaxError:
            problems.append("not a valid f-string")
    if kind in ("f-string", "docstring") and ("\\" in translation or '"""' in translation or "'''" in translation):
        problems.append("no backslash or triple quote in a string")
    if kind in ("trailing comment", "check name", "hint", "f-string", "message") and "\n" in translation:
        problems.append("one line only")
    if kind == "template" and sorted(re.findall(r"\{(\w*)", translation)) != sorted(re.findall(r"\{(\w*)", text)):
        problems.append("the {fields} differ from the English")
    if len(english_words(text)) >= 2 and not HANGUL.search(translation) and kind != "language":
        problems.append("still English")
    return problems


def catalog_problems(path, texts):
    """Problems of the catalog at ``path`` for the current English ``texts``, as lines."""
    from babel.messages.pofile import read_po

    if not Path(path).is_file():
        return [f"{path.name}: missing (python -m autograder translate update)"]
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    problems, current = [], {text for text, _, _ in texts}
    for text, kind, where in texts:
        message = catalog.get(text)
        short = " ".join(text.split())[:70]
        if message is None:
            problems.append(f"{where}: not in the catalog (run `python -m autograder translate update`): {short!r}")
        elif message.fuzzy:
            problems.append(f"{where}: fuzzy, the English changed: {short!r}")
        elif not message.string:
            problems.append(f"{where}: untranslated: {short!r}")
        else:
            problems += [f"{where}: {problem}: {short!r}" for problem in translation_problems(text, kind, message.string)]
    for message in catalog:
        if message.id and message.id not in current:
            problems.append(f"stale, no longer in the English: {' '.join(message.id.split())[:70]!r}")
    return problems


def problems(assignment, language, root=REPO_ROOT):
    """What keeps ``assignment``'s ``language`` edition from being complete and current."""
    found = catalog_problems(catalog_path(assignment, language, root), english_texts(assignment, root))
    cleared = cleared_source(assignment, root)
    if not any(piece.kind == "language" for cell in cleared.cells for piece in cell_pieces(cell.source, cell.cell_type) or []):
        found.append(f'the setup cell does not call {LANGUAGE_CALL}("en"): the checks would speak English')
    unreadable = [_label(c, i) for i, c in enumerate(cleared.cells) if cell_pieces(c.source, c.cell_type) is None]
    found += [f"{where}: code that cannot be parsed is not translated" for where in unreadable]
    translations = load_translations(assignment, language, root)
    for index, cell in enumerate(cleared.cells):  # an f-string's translation is written between the English quotes
        if cell.cell_type == "code" and code_shape(translate_source(cell.source, "code", translations, language)[0]) != code_shape(cell.source):
            found.append(f"{_label(cell, index)}: the translation changes the code, not only its words (a quote in an f-string?)")
    return found


# --- the release ------------------------------------------------------------------------------


def release(assignment, release_root, root=REPO_ROOT):
    """Write every translated edition of ``assignment`` next to its English release.

    ``release_root`` is the folder that holds ``<A>/<A>.ipynb`` (exercises/ or ``--into``);
    each edition goes to ``<release_root>/<language>/<A>/<A>.ipynb``. Returns
    {language: (path, [texts left in English])}.
    """
    import nbformat
    from nbgrader.utils import compute_checksum

    from .reconstruct import Template, grade_id_of

    english = nbformat.read(Path(release_root) / assignment / f"{assignment}.ipynb", as_version=4)
    written = {}
    for language in editions(assignment, root)[1:]:
        translations = load_translations(assignment, language, root)
        notebook = translate(english, translations, language)
        left = sorted({text for cell in english.cells for text in translate_source(cell.source, cell.cell_type, translations, language)[1]})
        for cell in notebook.cells:
            meta = cell.metadata.get("nbgrader", {})
            if "checksum" in meta:  # nbgrader validate recognises the locked cells by it
                meta["checksum"] = compute_checksum(cell)
        # The grader's template of this edition must hand out exactly these cells.
        template = Template.load(assignment, language)
        given = [template.release_sources.get(grade_id_of(c), c.source) for c in template.cells]
        if [cell.source for cell in notebook.cells] != given:
            raise ValueError(f"{assignment}: the {language} release differs from the grader's {language} template")
        path = Path(release_root) / language / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, path)
        written[language] = (path, left)
    return written


# --- python -m autograder translate ------------------------------------------------------------


def messages_texts():
    """[(text, kind, where)] of the grader's own messages: every ``tr("...")`` literal of the
    grader's modules, and the sentences of the usual mistakes."""
    from .compare import MISTAKES

    package = Path(__file__).resolve().parent
    found, seen = [], set()
    for path in sorted(package.glob("*.py")):
        for text in tr_templates(path):
            if text not in seen:
                seen.add(text)
                found.append((text, "template", path.name))
    for name, mistake in MISTAKES.items():
        if mistake.sentence not in seen:
            seen.add(mistake.sentence)
            found.append((mistake.sentence, "mistake", f"compare.py: MISTAKES[{name!r}]"))
    return found


def message_problems(language):
    """Problems of the grader's message catalog ``autograder/locale/<language>.po``."""
    from .messages import LOCALE

    return catalog_problems(LOCALE / f"{language}.po", messages_texts())


def main(args):
    from .config import assignments, check_assignment
    from .messages import LOCALE

    chosen = [check_assignment(name) for name in args.assignments] or list(assignments())
    languages = [args.language] if args.language else list(TRANSLATIONS)
    if args.action == "update":
        for language in languages:
            update_catalog(LOCALE / f"{language}.po", messages_texts(), language, "The checks' and the grader's messages")
            print(f"updated {LOCALE.relative_to(REPO_ROOT) / f'{language}.po'}")
            for name in chosen:
                if args.add or catalog_path(name, language).is_file():
                    update_catalog(catalog_path(name, language), english_texts(name), language, f"The {name} exercise")
                    print(f"updated {catalog_path(name, language).relative_to(REPO_ROOT)}")
        return 0
    failed = 0
    for language in languages:
        report = {f"autograder/locale/{language}.po": message_problems(language)}
        for name in chosen:
            if catalog_path(name, language).is_file():
                report[f"{name} ({language})"] = problems(name, language)
            else:
                print(f"{name}: not offered in {language} (no {catalog_path(name, language).relative_to(REPO_ROOT)})")
        for what, found in report.items():
            print(f"{what}: {'ok' if not found else f'{len(found)} to do'}")
            for line in found:
                print(f"  {line}")
            failed += bool(found)
    return 1 if failed else 0
