"""`similarity ASSIGNMENT`: copied answers are flagged, independent ones are not; scores never change.

Fixtures (tests/similarity_cases/toyConv, in the format of the grading fixtures, solutions/<A>/cases): three
genuinely different correct solutions (loops; im2col with einsum; sliding_window_view with
tensordot), one built on helper functions and its copy with every variable renamed and the
helpers reordered. The answer pasted from the reference library is made here from the
library's current source (its methods with ``self.`` removed and the variables renamed),
so the test follows the library when it changes.
"""

import ast
import json
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from autograder import cli, similarity
from autograder.config import Workdir
from grading_cases import build, load_case, write_submission

CASES = Path(__file__).resolve().parent / "similarity_cases" / "toyConv"
INDEPENDENT = ["loops", "matrix", "windows", "helpers_original"]
SIGNATURES = {
    "conv_forward": "def conv_forward(x, W, b, stride=1, pad=0):",
    "conv_backward": "def conv_backward(dout, cache):",
}


def pasted_from_reference(spec, signature):
    """A method of the reference library turned into the exercise's function: the body under
    the exercise's signature, ``self.`` dropped, every assigned variable renamed."""
    source = similarity.reference_code(spec)
    function = ast.parse(source).body[0]
    first = function.body[1] if ast.get_docstring(function) else function.body[0]
    body = "".join(source.splitlines(keepends=True)[first.lineno - 1 :]).replace("self.", "")
    names = sorted({n.id for n in ast.walk(ast.parse(textwrap.dedent(body))) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)})
    for number, name in enumerate(names):
        body = re.sub(rf"(?<![.\w]){re.escape(name)}\b", f"{name.lower()}_{number}", body)
    return signature + "\n" + body


def _write_pasted(folder):
    """A submission whose two answers were pasted from scratchcnn.layers.Convolution."""
    notebook, _ = build(load_case(CASES / "loops.py"))
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in SIGNATURES:
            spec = similarity.REFERENCE["toyConv"][grade_id][0]
            cell["source"] = pasted_from_reference(spec, SIGNATURES[grade_id])
    student = folder / "pasted"
    student.mkdir(parents=True)
    (student / "toyConv.ipynb").write_text(json.dumps(notebook))


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("similarity")
    submissions = tmp / "submissions"
    for path in sorted(CASES.glob("*.py")):
        write_submission(load_case(path), submissions)
    _write_pasted(submissions)
    workdir = tmp / "workdir"
    assert cli.main(["--workdir", str(workdir), "collect", "toyConv", str(submissions)]) == 0
    return Workdir(workdir)


def _answers(name):
    notebook, _ = build(load_case(CASES / f"{name}.py"))
    return {c["metadata"]["nbgrader"]["grade_id"]: c["source"] for c in notebook["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") in SIGNATURES}  # fmt: skip


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.py")))
def test_the_fixtures_are_correct_solutions(name):
    """Every fixture computes what scratchcnn's Convolution computes (no sandbox needed)."""
    from scratchcnn.layers import Convolution
    from scratchcnn.util import col2im, conv_output_size, im2col

    namespace = {"np": np, "im2col": im2col, "col2im": col2im, "conv_output_size": conv_output_size}
    for source in _answers(name).values():
        exec(source, namespace)  # noqa: S102 (our own fixtures)
    rng = np.random.default_rng(5)
    for x_shape, w_shape, stride, pad in [((2, 3, 7, 7), (4, 3, 3, 3), 2, 1), ((3, 2, 5, 6), (3, 2, 2, 3), 1, 2)]:
        x, W, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
        layer = Convolution(W.copy(), b.copy(), stride, pad)
        expected = layer.forward(x.copy())
        out, cache = namespace["conv_forward"](x, W, b, stride, pad)
        dout = rng.standard_normal(expected.shape)
        dx, dW, db = namespace["conv_backward"](dout, cache)
        np.testing.assert_allclose(out, expected, atol=1e-10)
        np.testing.assert_allclose(dx, layer.backward(dout), atol=1e-10)
        np.testing.assert_allclose(dW, layer.dW, atol=1e-10)
        np.testing.assert_allclose(db, layer.db, atol=1e-10)


def test_copies_are_flagged_and_independent_solutions_are_not(collected):
    findings = similarity.check("toyConv", collected)
    assert findings.threshold == similarity.DEFAULT_THRESHOLD
    flagged = {frozenset((m.left, m.right)): m for m in findings.pairs}
    assert frozenset(("helpers_copy", "helpers_original")) in flagged
    assert flagged[frozenset(("helpers_copy", "helpers_original"))].score >= 0.9
    for pair in flagged:
        assert pair == frozenset(("helpers_copy", "helpers_original")), f"independent answers flagged: {sorted(pair)}"
    scores = {frozenset((a, b)): s for s, a, b in findings.closest}
    for i, a in enumerate(INDEPENDENT):
        for b in INDEPENDENT[i + 1 :]:
            assert scores[frozenset((a, b))] < findings.threshold - 0.1, (a, b)


def test_an_answer_pasted_from_the_reference_is_flagged_as_such(collected):
    findings = similarity.check("toyConv", collected)
    from_reference = {(student, gid) for student, gid, _ in findings.from_reference}
    assert {("pasted", "conv_forward"), ("pasted", "conv_backward")} <= from_reference
    assert {student for student, _ in from_reference} == {"pasted"}


def test_the_released_code_is_boilerplate(collected):
    """Two students who only kept the released starter code and wrote one line share nothing."""
    template = similarity.reconstruct.Template.load("toyConv")
    boilerplate = similarity.boilerplate_hashes(template)
    given = template.release_sources["conv_forward"]
    assert similarity.compare("a", given, "b", given, boilerplate) is None


def test_the_command_writes_a_report_and_changes_nothing(collected, capsys, tmp_path):
    before = {p: p.read_bytes() for p in collected.root.rglob("*") if p.is_file()}
    out = tmp_path / "similarity.html"
    assert cli.main(["similarity", "toyConv", "--workdir", str(collected.root), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "similar: helpers_copy and helpers_original" in printed
    assert "from the reference: pasted, conv_forward" in printed
    after = {p: p.read_bytes() for p in collected.root.rglob("*") if p.is_file()}
    assert after == before  # nothing in the working folder changed (no score, no result)
    page = out.read_text()
    assert page.count('<section class="pair"') == 1 + 2  # one pair, two answers from the reference
    assert "<mark>" in page and "collect_windows" in page and "gather_patches" in page
    assert "<script" not in page and 'src="http' not in page and 'href="http' not in page  # self-contained
    # A lower threshold flags more; an impossible one is an error, exit 2.
    assert cli.main(["similarity", "toyConv", "--workdir", str(collected.root), "--out", str(out), "--threshold", "0.1"]) == 0
    assert cli.main(["similarity", "toyConv", "--workdir", str(collected.root), "--threshold", "1.5"]) == 2
    assert "error: the threshold" in capsys.readouterr().err


def test_student_code_in_the_report_is_escaped(tmp_path):
    code = 'def conv_forward(x, W, b, stride=1, pad=0):\n    s = "</pre><script>alert(1)</script>"\n' + "    y = x * 2 + 1\n" * 12
    match = similarity.compare("a", code, "b", code, frozenset())
    findings = similarity.Findings("toyConv", 0.5, ["a", "b"], [match], [], [])
    page = similarity.render(findings)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_no_collected_submissions_is_a_clear_error(tmp_path, capsys):
    assert cli.main(["similarity", "toyConv", "--workdir", str(tmp_path / "empty")]) == 2
    assert "error: nothing collected for toyConv" in capsys.readouterr().err
