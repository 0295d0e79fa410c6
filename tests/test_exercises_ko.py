"""The exercises in Korean (한국어판): complete, current translations of one source, graded alike.

Every assignment is offered in Korean: ``solutions/<A>/ko.po`` translates its English texts
(autograder/editions.py says which), ``autograder/locale/ko.po`` the checks' and the grader's
own messages, and ``python -m autograder release`` writes ``exercises/ko/<A>/<A>.ipynb``. The
tests check that

* every catalog is complete and current (a changed English text fails them), uses the
  glossary's terms (book/glossary_terms.yml) and never one of their forbidden variants;
* the Korean notebook is the English one translated: the same cells, metadata, grade_ids and
  points, code with the same syntax tree apart from comments and the translated strings, no
  English prose left, and exactly what a fresh release writes;
* its visible tests speak Korean, in this process and in a real kernel;
* the grader grades a Korean and an English submission of every assignment to the same
  score, right or wrong, in the real sandbox, with Korean verdicts for the Korean one, and a
  forged edition marker changes nothing.
"""

import ast
import copy
import io
import json
import re
import tokenize
from pathlib import Path

import nbformat
import pytest
import yaml

import test_visible_hints as english_hints
from autograder import editions, messages
from autograder.collect import collect
from autograder.compare import MISTAKES
from autograder.config import REPO_ROOT, Workdir, assignments, release_notebook
from autograder.export import rows
from autograder.grade import grade, same_as_english
from autograder.messages import speaking, tr, use_language
from autograder.notebook import CheckFailed
from autograder.probes import load_spec
from autograder.reconstruct import Template, reconstruct
from autograder.sandbox import bwrap_path
from autograder.verdict import template_checks
from grading_cases import cases, solution_answers, write_submission
from mnist_support import HAVE_OFFICIAL, OFFICIAL_DIR

ASSIGNMENTS = assignments()
KO = "ko"
GLOSSARY = yaml.safe_load((REPO_ROOT / "book" / "glossary_terms.yml").read_text(encoding="utf-8"))["terms"]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(autouse=True)
def english_afterwards():
    """A Korean notebook run in this process switches the checks to Korean: switch back."""
    yield
    use_language("en")


def korean_release(assignment):
    return nbformat.read(editions.release_path(assignment, KO), as_version=4)


def _grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


# --------------------------------------------------------------------------------------------
# The catalogs


def test_every_assignment_is_offered_in_korean():
    assert [name for name in ASSIGNMENTS if KO not in editions.editions(name)] == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_translation_is_complete_and_current(assignment):
    """No text untranslated, fuzzy or stale; no translation that breaks the notebook."""
    problems = editions.problems(assignment, KO)
    assert not problems, f"solutions/{assignment}/ko.po (python -m autograder translate update):\n  " + "\n  ".join(problems)


def test_the_checks_messages_are_translated():
    problems = editions.message_problems(KO)
    assert not problems, "autograder/locale/ko.po:\n  " + "\n  ".join(problems)


def test_a_changed_english_text_is_caught(tmp_path):
    """Not vacuous: an English text that changes is missing from the catalog, and fuzzy (its old
    translation kept aside) once the catalog is updated."""
    texts = editions.english_texts("toyConv")
    changed = [(text.replace("lecture's numbers", "lecture's four numbers"), kind, where) for text, kind, where in texts]
    assert changed != texts
    catalog = tmp_path / "ko.po"
    catalog.write_bytes(editions.catalog_path("toyConv", KO).read_bytes())
    assert editions.catalog_problems(catalog, texts) == []
    assert any("not in the catalog" in p for p in editions.catalog_problems(catalog, changed))
    editions.update_catalog(catalog, changed, KO, "test")
    problems = editions.catalog_problems(catalog, changed)
    assert problems and all("fuzzy" in p for p in problems), problems
    # A fuzzy translation is not used: that piece stays English in the notebook.
    assert not any("four numbers" in text for text in messages.read_catalog(catalog))


def test_a_translation_that_breaks_the_notebook_is_caught():
    assert editions.translation_problems("{a} of {b}", "f-string", "{b}의 {a}")  # fields reordered
    assert editions.translation_problems("`x` and $y$", "markdown", "x와 y")  # code span and formula lost
    assert editions.translation_problems("## Task 1", "markdown", "과제 1")  # no longer a heading
    assert editions.translation_problems("the sum of the windows", "hint", "the sum of the windows")  # English
    assert editions.translation_problems("one line", "check name", "한 줄\n두 줄")
    assert editions.translation_problems('a "docstring"', "docstring", '따옴표 """')
    assert not editions.translation_problems("params['W1']", "check name", "params['W1']")  # notation stays


def _english_mentions(text, term):
    text = text.lower()
    for phrase in term.get("except", []):
        text = text.replace(phrase.lower(), " ")
    return any(
        re.search(r"(?<![\w-])" + re.escape(name.lower()) + r"(?![\w-])", text) for name in [term["en"], *term.get("en_also", [])]
    )


def glossary_problems(pairs):
    """As tests/test_book_ko.py checks a page: for the (English, Korean) pairs of one catalog,
    a term used in English whose Korean term never appears, and every forbidden variant."""
    english, korean = "\n".join(e for e, _ in pairs), "\n".join(k for _, k in pairs)
    problems = []
    for term in GLOSSARY:
        if _english_mentions(english, term) and term["ko"] not in korean:
            problems.append(f"{term['en']!r} is used in English but the Korean never says {term['ko']!r}")
        problems += [f"{v!r} is a second translation of {term['en']!r}: use {term['ko']!r}" for v in term.get("forbidden", []) if v in korean]
    return problems


@pytest.mark.parametrize("catalog", [f"solutions/{name}/ko.po" for name in ASSIGNMENTS] + ["autograder/locale/ko.po"])
def test_translations_use_the_glossary_terms(catalog):
    from babel.messages.pofile import read_po

    with open(REPO_ROOT / catalog, "rb") as handle:
        pairs = [(m.id, m.string) for m in read_po(handle) if m.id and m.string]
    problems = glossary_problems(pairs)
    assert not problems, f"{catalog}:\n  " + "\n  ".join(problems)


def test_messages_follow_the_language_chosen_and_fall_back_on_english():
    template = "{name}: expected {error}, but nothing was raised"
    assert tr(template, name="x", error="ValueError") == "x: expected ValueError, but nothing was raised"
    with speaking(KO):
        assert tr(template, name="x", error="ValueError") == "x: ValueError가 일어나야 하는데 아무 예외도 일어나지 않았습니다"
        assert tr("a text no catalog has") == "a text no catalog has"
        with speaking("en"):
            assert tr(template, name="x", error="E") == "x: expected E, but nothing was raised"
        with speaking(KO, {"{n} apples": "사과 {m}개"}):  # a translation whose fields do not fit
            assert tr("{n} apples", n=3) == "3 apples"
    with speaking("xx"):  # an unknown language is English
        assert messages.current() == "en"
    with pytest.raises(ValueError):
        use_language("xx")
    use_language(KO)
    assert messages.current() == KO and HANGUL.search(tr(template, name="x", error="E"))
    with speaking("en"):  # the grader's choice wins over the kernel's
        assert messages.current() == "en"


def test_the_message_reader_reads_what_babel_reads():
    from babel.messages.pofile import read_po

    for path in [REPO_ROOT / "autograder" / "locale" / "ko.po"] + [editions.catalog_path(n, KO) for n in ASSIGNMENTS]:
        with open(path, "rb") as handle:
            expected = {m.id: m.string for m in read_po(handle) if m.id and m.string and not m.fuzzy}
        assert messages.read_catalog(path) == expected, path


# --------------------------------------------------------------------------------------------
# The Korean notebooks


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_korean_exercises_are_exactly_what_release_generates(assignment, fresh_release):
    committed = editions.release_path(assignment, KO)
    assert committed.is_file(), f"{committed} is missing: run python -m autograder release {assignment}"
    fresh = fresh_release / KO / assignment / f"{assignment}.ipynb"
    assert fresh.read_bytes() == committed.read_bytes(), f"{committed} differs from a fresh release: run python -m autograder release"
    assert sorted(p.name for p in committed.parent.iterdir()) == [f"{assignment}.ipynb"]
    assert not list((REPO_ROOT / "exercises").rglob("*.po")), "a catalog was released"


class _Words(ast.NodeTransformer):
    """A syntax tree with the translatable strings blanked: docstrings, the checks' names and
    hints, print() and exception messages (f-strings keep their fields), use_language's."""

    @staticmethod
    def blank(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return ast.Constant("")
        if isinstance(node, ast.JoinedStr):
            return ast.JoinedStr([value for value in node.values if isinstance(value, ast.FormattedValue)])
        return node

    def docstring(self, node):
        first = node.body[0] if node.body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            first.value = ast.Constant("")
        self.generic_visit(node)
        return node

    visit_Module = visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = docstring

    def visit_Call(self, node):
        self.generic_visit(node)
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name in editions.CHECKS and node.args:
            node.args[0] = self.blank(node.args[0])
            for keyword in node.keywords:
                if keyword.arg == "hint":
                    keyword.value = self.blank(keyword.value)
        elif name in ("print", "use_language"):
            node.args = [self.blank(argument) for argument in node.args]
        return node

    def visit_Raise(self, node):
        self.generic_visit(node)
        if isinstance(node.exc, ast.Call):
            node.exc.args = [self.blank(argument) for argument in node.exc.args]
        return node


def _code(source):
    return ast.dump(_Words().visit(ast.parse(source)))


def _without_checksum(cell):
    meta = copy.deepcopy(cell.metadata.get("nbgrader", {}))
    meta.pop("checksum", None)
    return meta


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_korean_notebook_is_the_english_one_translated(assignment):
    from nbgrader.utils import compute_checksum

    english = nbformat.read(release_notebook(assignment), as_version=4)
    korean = korean_release(assignment)
    assert korean.metadata["scratchcnn"] == {"edition": "ko"}
    assert {k: v for k, v in korean.metadata.items() if k != "scratchcnn"} == english.metadata
    assert len(korean.cells) == len(english.cells)
    for en, ko in zip(english.cells, korean.cells):
        assert (ko.cell_type, ko.get("id"), _without_checksum(ko)) == (en.cell_type, en.get("id"), _without_checksum(en))
        if "checksum" in ko.metadata.get("nbgrader", {}):  # nbgrader validate trusts the locked cells
            assert ko.metadata.nbgrader.checksum == compute_checksum(ko)
        if ko.cell_type == "code":
            assert _code(ko.source) == _code(en.source), f"{assignment}, cell {_grade_id(en)}: the code differs"
    setup = next(c for c in korean.cells if _grade_id(c) == "setup")
    assert 'use_language("ko")' in setup.source


def _prose_left(source, cell_type):
    """The English prose of a cell: Markdown blocks, comments and strings without Hangul."""
    left = []
    if cell_type == "markdown":
        left += [block for block in source.split("\n\n") if len(editions.english_words(block)) >= 2 and not HANGUL.search(block)]
    elif cell_type == "code":
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT and len(editions.english_words(token.string)) >= 2 and not HANGUL.search(token.string):
                left.append(token.string)
        for piece in editions.cell_pieces(source, "code"):
            text = source[piece.start : piece.end]
            if piece.kind != "comment" and len(editions.english_words(text)) >= 2 and not HANGUL.search(text):
                left.append(text)
    return left


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_korean_notebook_has_no_english_prose_left(assignment):
    korean = korean_release(assignment)
    left = [(_grade_id(c) or c.cell_type, text) for c in korean.cells for text in _prose_left(c.source, c.cell_type)]
    assert not left, left
    assert all(HANGUL.search(c.source) for c in korean.cells if c.cell_type == "markdown")
    # The check is not vacuous: the English notebook is full of prose.
    english = nbformat.read(release_notebook(assignment), as_version=4)
    assert sum(len(_prose_left(c.source, c.cell_type)) for c in english.cells) > 10


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_korean_template_grades_as_the_english_one(assignment):
    english, korean = Template.load(assignment), Template.load(assignment, KO)
    same_as_english(english, template_checks(english), korean, template_checks(korean))  # raises otherwise
    assert korean.notebook.metadata["scratchcnn"] == {"edition": "ko"}
    # The Korean points table states every test cell's points, as the English one does.
    text = "\n".join(c.source for c in korean.cells if c.cell_type == "markdown")
    for grade_id, points, _ in korean.test_cells():
        row = re.search(rf"^\|\s*`{grade_id}`\s*\|.*\|\s*(\d+)\s*\|\s*$", text, re.MULTILINE)
        assert row and float(row.group(1)) == points, grade_id
    # What the Korean release hands out is what the Korean template expects.
    released = korean_release(assignment)
    assert [korean.release_sources.get(_grade_id(c), c.source) for c in korean.cells] == [c.source for c in released.cells]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_korean_release_fails_every_graded_test(assignment, monkeypatch):
    """nbgrader validate (the students' Validate button) on the untouched Korean notebook: every
    test cell fails, and the locked cells are recognised by their checksums."""
    from nbgrader.validator import Validator

    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    assert Validator(invert=True).validate(str(editions.release_path(assignment, KO))) == {}


def test_an_untranslated_text_stays_english_and_the_language_follows_the_edition():
    source = 'use_language("en")  # the language of the checks\' messages\nprint("training digits", 3)'
    translated, missing = editions.translate_source(source, "code", {}, KO)
    assert translated == source.replace('"en"', '"ko"')
    assert missing == ["the language of the checks' messages", "training digits"]


# --------------------------------------------------------------------------------------------
# The visible tests speak Korean


def run_korean(assignment, answers):
    """english_hints.run_released on the Korean notebook: (failing cell, CheckFailed) or (None, None)."""
    notebook = korean_release(assignment)
    namespace = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if _grade_id(cell) == english_hints.UNTIL.get(assignment):
            break
        try:
            exec(compile(answers.get(_grade_id(cell), cell.source), f"<cell {_grade_id(cell)}>", "exec"), namespace)
        except CheckFailed as failure:
            return _grade_id(cell), failure
    return None, None


def _korean(sentence):
    with speaking(KO):
        return tr(sentence)


@pytest.mark.parametrize("assignment", list(english_hints.PLANTED))
def test_the_korean_notebook_passes_the_solution_in_korean(assignment, capsys):
    assert run_korean(assignment, solution_answers(assignment)) == (None, None)
    passed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("\u2713 ")]
    assert passed, "a passing check prints a line"
    assert all(HANGUL.search(line) for line in passed if "shape" in line or "형상" in line or "raise" in line), passed
    assert not any(" shape " in line or " raises " in line for line in passed), passed


@pytest.mark.parametrize(
    "assignment, mistake, answer, replacements, failing",
    [case for assignment in english_hints.PLANTED for case in english_hints._planted(assignment)],
)
def test_a_planted_mistake_gets_its_korean_hint(assignment, mistake, answer, replacements, failing):
    answers = solution_answers(assignment)
    for cell_id, old, new in replacements:
        answers[cell_id] = answers[cell_id].replace(old, new)
    cell, failure = run_korean(assignment, answers)
    assert cell == failing, f"the mistake was caught by {cell}, not {failing}: {failure}"
    sentence = _korean(MISTAKES[mistake].sentence)
    assert HANGUL.search(sentence) and sentence in str(failure), str(failure)
    # A terminal shows a Hangul syllable in two columns: the lines fit 80 columns.
    from autograder.notebook import _columns

    assert all(_columns(line) <= 80 for line in failure._render_traceback_())


def test_in_a_kernel_the_korean_notebook_says_the_mistake_in_korean(tmp_path, monkeypatch):
    """The Korean toyConv notebook with the transpose missing, run by nbclient in a kernel."""
    from nbclient import NotebookClient

    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    notebook = korean_release("toyConv")
    answers = solution_answers("toyConv")
    answers["conv_forward"] = answers["conv_forward"].replace(".transpose(0, 3, 1, 2)", "")
    for cell in notebook.cells:
        if _grade_id(cell) in answers:
            cell.source = answers[_grade_id(cell)]
    NotebookClient(notebook, timeout=120, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = {_grade_id(c): c.outputs for c in notebook.cells if c.cell_type == "code"}
    error = next(o for o in outputs["test_conv_forward_lecture"] if o.output_type == "error")
    shown = " ".join(line.strip() for line in error.traceback)
    assert shown.startswith("AssertionError: out (강의 예제): ")
    assert "out (강의 예제): " + " ".join(_korean(MISTAKES["not_transposed"].sentence).split()) in shown, shown
    assert "Traceback" not in shown and "autograder" not in shown
    backward = "".join(o.get("text", "") for o in outputs["test_conv_backward_lecture"])
    assert "\u2713 db (강의 예제)" in backward and "[검사 3개 중 1번째, 2점짜리 테스트]" in backward, backward


# --------------------------------------------------------------------------------------------
# Grading either edition


def test_the_edition_marker_is_hostile_input():
    assert editions.edition_of({"scratchcnn": {"edition": "ko"}}, "toyConv") == "ko"
    for forged in ({"scratchcnn": {"edition": "fr"}}, {"scratchcnn": {"edition": ["ko"]}}, {"scratchcnn": "ko"},
                   {"scratchcnn": {"edition": "../ko"}}, {"language": "ko"}, [], "ko", None):  # fmt: skip
        assert editions.edition_of(forged, "toyConv") == "en", forged


def _cells(notebook):
    return [dict(c, source=c["source"] if isinstance(c["source"], str) else "".join(c["source"])) for c in notebook["cells"]]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_either_editions_cells_are_recognised_by_either_template(assignment):
    """A Korean notebook rebuilt from the English template (and the other way round): no
    "changes discarded" note, no added cell, the untouched answers are unanswered."""
    untouched = {"en": json.loads(release_notebook(assignment).read_text()), KO: json.loads(editions.release_path(assignment, KO).read_text())}
    for language in ("en", KO):
        template = Template.load(assignment, language)
        for notebook in untouched.values():
            rebuilt = reconstruct(template, _cells(notebook))
            assert rebuilt.notes == [] and "extra" not in rebuilt.kinds and rebuilt.unmatched == []
            assert sorted(rebuilt.unanswered) == sorted(template.answer_ids())


def _forged(notebook, marker):
    notebook = copy.deepcopy(notebook)
    notebook["metadata"]["scratchcnn"] = marker
    return notebook


# (case, edition, marker): the students of every assignment's class.
STUDENTS = {
    "en_full": ("full", "en", None),
    "ko_full": ("full", KO, None),
    "en_wrong": ("partly_right", "en", None),
    "ko_wrong": ("partly_right", KO, None),
}
FORGED = {  # toyConv only
    "en_claims_ko": ("partly_right", "en", {"edition": "ko"}),
    "ko_claims_fr": ("partly_right", KO, {"edition": "fr"}),
    "ko_claims_list": ("full", KO, {"edition": ["ko"]}),
    "ko_untouched": ("untouched", KO, None),
    "ko_forbidden": ("forbidden_layer", KO, None),
}


@pytest.fixture(scope="module")
def graded_editions(tmp_path_factory):
    """Every assignment's class, graded in the sandbox: {assignment: (workdir, results)}."""
    tmp = tmp_path_factory.mktemp("editions")
    graded = {}
    with pytest.MonkeyPatch.context() as patch:
        if HAVE_OFFICIAL:
            patch.setenv("MNIST_DIR", str(OFFICIAL_DIR))
        else:  # convnet's hidden test on the subset's own 1,000 test digits: the same for both editions
            spec = load_spec("convnet")
            patch.setattr(spec, "hidden_data", lambda local, original=spec.hidden_data: original(local=True))
        for assignment in ASSIGNMENTS:
            by_name = {case.name: case for case in cases(assignment)}
            folder = tmp / f"class-{assignment}"
            students = {**STUDENTS, **(FORGED if assignment == "toyConv" else {})}
            for student, (case, edition, marker) in students.items():
                write_submission(by_name[case], folder, edition=edition, student=student)
                if marker is not None:
                    path = folder / student / f"{assignment}.ipynb"
                    path.write_text(json.dumps(_forged(json.loads(path.read_text()), marker)))
            workdir = Workdir(tmp / f"workdir-{assignment}")
            collect(assignment, folder, workdir)
            results = grade(assignment, workdir, jobs=2, progress=False, use_bwrap=bool(bwrap_path()))
            graded[assignment] = (workdir, results)
    return graded


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_korean_and_english_submissions_get_the_same_scores(graded_editions, assignment):
    workdir, results = graded_editions[assignment]
    by_name = {case.name: case for case in cases(assignment)}
    for right, wrong in (("en_full", "ko_full"), ("en_wrong", "ko_wrong")):
        english, korean = results[right], results[wrong]
        assert korean["score"] == english["score"], (english, korean)
        assert {g: c["score"] for g, c in korean["cells"].items()} == {g: c["score"] for g, c in english["cells"].items()}
        assert (english["status"], korean["status"]) == ("graded", "graded")
        assert (english["edition"], korean["edition"]) == ("en", KO)
        assert korean["notes"] == [] and korean["manual_reasons"] == []
    assert results["ko_full"]["score"] == by_name["full"].score > results["ko_wrong"]["score"] == by_name["partly_right"].score
    table = {row[0]: row[2] for row in rows(workdir)}  # the gradebook has the same rows and scores
    assert table["ko_full"] == table["en_full"] and table["ko_wrong"] == table["en_wrong"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_korean_submission_reads_korean_verdicts(graded_editions, assignment):
    workdir, results = graded_editions[assignment]
    korean = [m for cell in results["ko_wrong"]["cells"].values() for m in cell["messages"] if m != "graded by hand"]
    english = [m for cell in results["en_wrong"]["cells"].values() for m in cell["messages"] if m != "graded by hand"]
    assert korean and all(HANGUL.search(m) for m in korean), korean
    assert english and not any(HANGUL.search(m) for m in english), english  # graded at the same time, in English
    graded = json.loads((workdir.autograded / "ko_wrong" / assignment / f"{assignment}.ipynb").read_text())
    assert graded["metadata"]["scratchcnn"] == {"edition": "ko"}
    verdicts = "".join(o.get("text", "") for c in graded["cells"] if c["cell_type"] == "code" for o in c["outputs"])
    assert "[채점기] " in verdicts and "[grader]" not in verdicts
    assert all(HANGUL.search(c["source"]) for c in graded["cells"] if c["cell_type"] == "markdown")


def test_a_forged_edition_marker_changes_no_score(graded_editions):
    _, results = graded_editions["toyConv"]
    assert results["en_claims_ko"]["score"] == results["ko_claims_fr"]["score"] == results["en_wrong"]["score"]
    assert results["ko_claims_list"]["score"] == results["en_full"]["score"]
    assert results["en_claims_ko"]["edition"] == KO  # an English notebook may ask for Korean verdicts
    assert results["ko_claims_fr"]["edition"] == results["ko_claims_list"]["edition"] == "en"
    for student in ("en_claims_ko", "ko_claims_fr", "ko_claims_list"):
        assert results[student]["notes"] == [] and results[student]["status"] == "graded", results[student]


def test_korean_answers_left_untouched_or_forbidden_are_recognised(graded_editions):
    _, results = graded_editions["toyConv"]
    untouched, forbidden = results["ko_untouched"], results["ko_forbidden"]
    assert untouched["score"] == 0 and set(untouched["comments"].values()) == {"No response."}
    assert forbidden["score"] == 0
    comment = " ".join(c for c in forbidden["comments"].values() if c)
    assert "사용하면 안 되는 것을 사용했습니다(scratchcnn.layers.Convolution)" in comment, comment
    assert "직접 작성해야 하므로" in comment  # the Forbidden rule's reason, from the catalog


# --------------------------------------------------------------------------------------------
# Publishing


def test_publish_copies_and_checks_the_korean_notebooks(tmp_path):
    from autograder.publish import leaks, publish

    book = tmp_path / "book"
    (book / "ko").mkdir(parents=True)
    (book / "index.html").write_text("<html></html>")
    (book / "ko" / "index.html").write_text("<html lang='ko'></html>")
    site = tmp_path / "site"
    assert publish(book, site) == []
    for assignment in ASSIGNMENTS:
        assert (site / "exercises" / KO / assignment / f"{assignment}.ipynb").is_file()
    # A solution line planted in a Korean notebook is found.
    planted = site / "exercises" / KO / "toyConv" / "toyConv.ipynb"
    line = next(l.strip() for l in solution_answers("toyConv")["conv_backward"].splitlines() if "col2im(" in l)
    planted.write_text(planted.read_text().replace("# YOUR CODE HERE", line, 1))
    assert any(str(Path("exercises", KO, "toyConv", "toyConv.ipynb")) in found for found in leaks(site))


def test_the_message_reader_reads_what_babel_reads_around_plural_entries(tmp_path):
    """A plural entry (fuzzy or not) is skipped without taking the next message with it."""
    from babel.messages.pofile import read_po

    path = tmp_path / "plural.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgid "one file"\nmsgid_plural "{n} files"\nmsgstr[0] "파일 {n}개"\n'
        'msgid "after a fuzzy plural"\nmsgstr "퍼지 복수형 다음"\n\n'
        'msgid "a file"\nmsgid_plural "files"\nmsgstr[0] "파일"\n\n'
        'msgid "after a plural"\nmsgstr "복수형 다음"\n',
        encoding="utf-8",
    )
    with open(path, "rb") as handle:
        expected = {m.id: m.string for m in read_po(handle) if isinstance(m.id, str) and m.id and m.string and not m.fuzzy}
    assert messages.read_catalog(path) == expected == {"after a fuzzy plural": "퍼지 복수형 다음", "after a plural": "복수형 다음"}
