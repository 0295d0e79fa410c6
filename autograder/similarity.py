"""`similarity ASSIGNMENT`: answers that look copied, from each other or from the reference library.

It flags; it never changes a score. It reads the collected notebooks (submitted/) and
writes one HTML report (default ``reports/<A>-similarity.html`` in the working folder).

What is compared: each student's *answer cells* only (the code cells the student was asked
to fill in, found by their nbgrader grade_id as grading finds them), joined into one text
per student. The code the students were given (the answer cells' starter text, the test
cells, every other cell of the released notebook) is boilerplate: its fingerprints are
removed before comparing, so two students do not look alike for sharing a signature,
a docstring or a test.

How: copydetect (https://github.com/blingenf/copydetect), which implements winnowing
fingerprints as MOSS does. The code is tokenised and normalised first (every variable,
function and class name becomes one letter, strings and comments go), so renaming
variables changes nothing, and fingerprints do not depend on position, so reordering
functions changes nothing either. The similarity of a pair, for each side, is the share of
that side's fingerprinted code found in the other; a pair is flagged when either share
reaches the threshold (default :data:`DEFAULT_THRESHOLD`, 0.65: two thirds of one student's
answer code also appear in the other's; ``--threshold`` changes it).

Each answer cell is also compared with the reference library's own code for the same piece
(:data:`REFERENCE`, e.g. ``scratchcnn.layers.Convolution.forward`` and ``.backward`` for
toyConv's ``conv_forward`` and ``conv_backward``; the library is public). An answer is
flagged as from the reference when the share of it found in the reference reaches the
same threshold.

Short answers carry few fingerprints, so a flag is a reason to look at the two texts side
by side (the report marks the shared passages), never proof.
"""

import ast
import html
import io
import itertools
import json
import os
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from . import editions, reconstruct, submission
from .collect import load_manifest
from .config import REPO_ROOT, Workdir, check_assignment
from .syntax import parse

DEFAULT_THRESHOLD = 0.65
# k: characters of normalised code in one fingerprint. copydetect's default is 25; these
# answers are short NumPy code whose canonical lines (np.pad(x, ((0, 0), (0, 0), (pad, pad),
# (pad, pad))), (H + 2 * pad - FH) // stride + 1) every student writes, and 30 keeps those
# from adding up. Measured on the course's fixtures: independent correct solutions share at
# most 0.54, copies with renamed variables and reordered functions 1.0, answers pasted from
# the library 0.73 and more.
NOISE = 30
WINDOW = 1  # winnowing window; 1 keeps every k-gram (copydetect's default, best for short code)
MIN_ANSWER_CHARS = 40  # normalised characters below which an answer is too short to judge
LIBRARY = REPO_ROOT / "lib" / "scratchcnn"

# For every answer cell: the reference library's code for the same piece ("module:qualname").
REFERENCE = {
    "toyConv": {
        "conv_forward": ["layers:Convolution.forward"],
        "conv_backward": ["layers:Convolution.backward"],
    },
    "toyPooling": {
        "pool_forward": ["layers:Pooling.forward", "layers:Pooling._cells", "util:sliding_windows"],
        "pool_backward": ["layers:Pooling.backward", "util:fold_windows"],
    },
    "im2col": {
        "conv_output_size": ["util:conv_output_size", "util:_check_int"],
        "im2col": ["util:im2col", "util:sliding_windows", "util:pad_images"],
        "col2im": ["util:col2im", "util:fold_windows"],
    },
    "layers": {
        "convolution": ["layers:Convolution"],
        "pooling": ["layers:Pooling", "util:sliding_windows", "util:fold_windows"],
    },
    "convnet": {
        "simple_convnet": ["networks:SimpleConvNet", "networks:ConvNet"],
        "train_convnet": ["trainer:Trainer"],
    },
}


def _definitions(path):
    """{qualified name: source} of the functions, classes and methods of one library file."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    found = {}

    def visit(nodes, prefix):
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                name = prefix + node.name
                found[name] = textwrap.dedent("".join(lines[node.lineno - 1 : node.end_lineno]))
                if isinstance(node, ast.ClassDef):
                    visit(node.body, name + ".")

    visit(parse(text).body, "")
    return found


def reference_code(spec, library=LIBRARY):
    """The source text of ``"module:Qual.name"`` in the reference library (read, not imported)."""
    module, qualname = spec.split(":")
    path = Path(library) / f"{module}.py"
    definitions = _definitions(path) if path.is_file() else {}
    if qualname not in definitions:
        raise ValueError(f"the reference library has no {qualname} in {path}")
    return definitions[qualname]


def reference_text(specs, library=LIBRARY):
    """The reference code for one answer cell.

    The pieces named in :data:`REFERENCE`, the library's own top-level functions they call
    (a helper the student would paste along), and all of it again with ``self.`` removed
    (how a method pasted into one of the exercise's functions reads). Pieces the library no
    longer has are left out.
    """
    every = {}
    for path in sorted(Path(library).glob("*.py")):
        for name, source in _definitions(path).items():
            if "." not in name:
                every.setdefault(name, source)
    pieces = []
    for spec in specs:
        try:
            pieces.append(reference_code(spec, library))
        except (ValueError, SyntaxError):
            continue
    called = set()
    for piece in pieces:
        for node in ast.walk(parse(piece)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                called.add(node.func.id)
    pieces += [every[name] for name in sorted(called) if name in every and every[name] not in pieces]
    code = "\n\n".join(pieces)
    return code + "\n\n# --- the same without self.\n" + code.replace("self.", "") if code else ""


def _fingerprint(code, name, boilerplate=frozenset()):
    """copydetect's fingerprint of ``code``, without the fingerprints in ``boilerplate`` (a set)."""
    from copydetect import CodeFingerprint
    from copydetect.utils import get_token_coverage

    fingerprint = CodeFingerprint(name, NOISE, WINDOW, language="python", fp=io.StringIO(code))
    if boilerplate:  # removed here rather than by copydetect, whose removal also drops repeated k-grams
        fingerprint.hashes = {h for h in fingerprint.hashes if h not in boilerplate}
        fingerprint.hash_idx = {h: i for h, i in fingerprint.hash_idx.items() if h not in boilerplate}
        fingerprint.token_coverage = get_token_coverage(fingerprint.hash_idx, NOISE, len(fingerprint.filtered_code))
    return fingerprint


def boilerplate_hashes(template):
    """The fingerprints of every code cell the students were given (starter code and tests)."""
    given = []
    for cell in template.cells:
        if cell.cell_type != "code":
            continue
        grade_id = _grade_id(cell)
        given += list(template.given_sources(grade_id)) if grade_id else [cell.source]
    for language in editions.editions(template.assignment):  # the released files as students got them
        released = editions.release_path(template.assignment, language)
        if not released.is_file():
            continue
        for cell in json.loads(released.read_text(encoding="utf-8")).get("cells", []):
            if cell.get("cell_type") == "code":
                source = cell.get("source", "")
                given.append(source if isinstance(source, str) else "".join(source))
    hashes = set()
    for text in given:
        hashes |= _fingerprint(text, "given.py").hashes
    return frozenset(hashes)


@dataclass
class Answer:
    """One student's answer code: {grade_id: text}, and the joined text that is compared."""

    student: str
    cells: dict
    text: str = ""
    spans: dict = field(default_factory=dict)  # grade_id -> (start, end) in text

    @classmethod
    def of(cls, student, cells):
        answer, parts, position = cls(student, cells), [], 0
        for grade_id, source in cells.items():
            block = f"# --- {grade_id}\n{source.rstrip()}\n\n"
            answer.spans[grade_id] = (position, position + len(block))
            parts.append(block)
            position += len(block)
        answer.text = "".join(parts)
        return answer


def read_answers(workdir, assignment, template):
    """({student: Answer}, [notes]) of every collected notebook of ``assignment``."""
    manifest = load_manifest(workdir, assignment)["students"]
    code_answers = [gid for gid in template.answer_ids() if _is_code_answer(template, gid)]
    answers, notes = {}, []
    for student, entry in sorted(manifest.items()):
        notebook = entry.get("notebook")
        if not notebook:
            notes.append(f"{student}: no notebook collected")
            continue
        try:
            cells, _ = submission.read(workdir.submitted / student / assignment / notebook)
        except submission.BadSubmission as error:
            notes.append(f"{student}: {error}")
            continue
        rebuilt = reconstruct.reconstruct(template, cells)
        code = {gid: rebuilt.student_code[gid] for gid in code_answers if gid in rebuilt.student_code}
        code = {gid: text for gid, text in code.items() if text not in template.given_sources(gid)}
        if code:
            answers[student] = Answer.of(student, code)
        else:
            notes.append(f"{student}: no answer written")
    return answers, notes


def _grade_id(cell):
    meta = cell.get("metadata", {}).get("nbgrader")
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    return grade_id if isinstance(grade_id, str) and grade_id else None


def _is_code_answer(template, grade_id):
    return any(_grade_id(c) == grade_id and reconstruct.kind_of(c) == "answer" for c in template.cells)


@dataclass
class Match:
    """Two texts compared: similarities (share of each side found in the other), marked HTML."""

    left: str
    right: str
    left_share: float
    right_share: float
    left_html: str
    right_html: str

    @property
    def score(self):
        return max(self.left_share, self.right_share)


def compare(left_name, left_text, right_name, right_text, boilerplate):
    """A Match of two code texts, or None if nothing is shared."""
    from copydetect import compare_files
    from copydetect.utils import highlight_overlap

    left = _fingerprint(left_text, f"{left_name}.py", boilerplate)
    right = _fingerprint(right_text, f"{right_name}.py", boilerplate)
    if min(len(left.filtered_code), len(right.filtered_code)) < MIN_ANSWER_CHARS or not left.hashes or not right.hashes:
        return None
    _, (left_share, right_share), (left_slices, right_slices) = compare_files(left, right)
    if not left_share and not right_share:
        return None
    left_html, _ = highlight_overlap(left_text, left_slices, "<mark>", "</mark>", escape_html=True)
    right_html, _ = highlight_overlap(right_text, right_slices, "<mark>", "</mark>", escape_html=True)
    return Match(left_name, right_name, float(left_share), float(right_share), left_html, right_html)


@dataclass
class Findings:
    assignment: str
    threshold: float
    students: list
    pairs: list  # [Match] above the threshold, most similar first
    from_reference: list  # [(student, grade_id, Match)] above the threshold
    notes: list
    closest: list = field(default_factory=list)  # [(score, a, b)] of every pair, for the record


def check(assignment, workdir, threshold=DEFAULT_THRESHOLD):
    """Compare every pair of answers, and every answer with the reference; returns Findings."""
    check_assignment(assignment)
    if not 0 < threshold <= 1:
        raise ValueError(f"the threshold is a share between 0 and 1, got {threshold:g}")
    if not (workdir.manifests / f"{assignment}.json").exists():
        raise ValueError(f"nothing collected for {assignment} in {workdir.root}: run collect first")
    template = reconstruct.Template.load(assignment)
    boilerplate = boilerplate_hashes(template)
    answers, notes = read_answers(workdir, assignment, template)
    pairs, closest = [], []
    for a, b in itertools.combinations(sorted(answers), 2):
        match = compare(a, answers[a].text, b, answers[b].text, boilerplate)
        closest.append((match.score if match else 0.0, a, b))
        if match and match.score >= threshold:
            pairs.append(match)
    pairs.sort(key=lambda m: -m.score)
    references = {gid: reference_text(specs) for gid, specs in REFERENCE.get(assignment, {}).items()}
    copied = []
    for student, answer in sorted(answers.items()):
        for gid, code in answer.cells.items():
            if not references.get(gid):
                continue
            match = compare(student, code, f"scratchcnn ({', '.join(REFERENCE[assignment][gid])})", references[gid], boilerplate)
            if match and match.left_share >= threshold:
                copied.append((student, gid, match))
    closest.sort(reverse=True)
    return Findings(assignment, threshold, sorted(answers), pairs, copied, notes, closest)


# Report -----------------------------------------------------------------------------------

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 90em; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; }
.side { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1em; }
.side pre { background: #fafafa; border: 1px solid #ddd; padding: 0.5em; overflow-x: auto; font-size: 0.85em; }
mark { background: #ffd27f; }
"""


def e(value):
    return html.escape(str(value), quote=True)


def _side_by_side(match, anchor):
    return (
        f'<section class="pair" id="{e(anchor)}">\n'
        f"<h3>{e(match.left)} ({match.left_share:.0%}) and {e(match.right)} ({match.right_share:.0%})</h3>\n"
        '<div class="side">\n'
        f"<div><h4>{e(match.left)}</h4><pre>{match.left_html}</pre></div>\n"
        f"<div><h4>{e(match.right)}</h4><pre>{match.right_html}</pre></div>\n"
        "</div>\n</section>"
    )


def render(findings):
    f = findings
    parts = [f"<h1>Similarity: {e(f.assignment)}</h1>"]
    parts.append(
        f"<p>{len(f.students)} students' answer cells compared with copydetect (winnowing fingerprints, as MOSS), "
        f"the released code and the tests left out. Flagged: a pair where at least {f.threshold:.0%} of one "
        "student's answer code is found in the other's, and an answer of which at least that share is found in "
        "the reference library. The percentages are the share of each side found in the other. "
        "A flag is a reason to read the code, never a verdict: no score was changed.</p>"
    )
    parts.append(f"<h2>Pairs of students ({len(f.pairs)} flagged)</h2>")
    if f.pairs:
        rows = "\n".join(
            f'<tr><td><a href="#pair-{i}">{e(m.left)}</a></td><td>{e(m.right)}</td>'
            f'<td class="num">{m.left_share:.0%}</td><td class="num">{m.right_share:.0%}</td></tr>'
            for i, m in enumerate(f.pairs)
        )
        parts.append(f'<table class="pairs"><thead><tr><th>student</th><th>student</th><th>share of the first</th>'
                     f"<th>share of the second</th></tr></thead>\n<tbody>\n{rows}\n</tbody></table>")  # fmt: skip
        parts += [_side_by_side(m, f"pair-{i}") for i, m in enumerate(f.pairs)]
    else:
        parts.append("<p>No pair reaches the threshold.</p>")
    parts.append(f"<h2>Answers found in the reference library ({len(f.from_reference)} flagged)</h2>")
    if f.from_reference:
        rows = "\n".join(
            f'<tr><td><a href="#reference-{i}">{e(s)}</a></td><td><code>{e(gid)}</code></td><td>{e(m.right)}</td>'
            f'<td class="num">{m.left_share:.0%}</td></tr>'
            for i, (s, gid, m) in enumerate(f.from_reference)
        )
        parts.append(f'<table class="reference"><thead><tr><th>student</th><th>answer cell</th><th>reference</th>'
                     f"<th>share of the answer</th></tr></thead>\n<tbody>\n{rows}\n</tbody></table>")  # fmt: skip
        parts += [_side_by_side(m, f"reference-{i}") for i, (_, _, m) in enumerate(f.from_reference)]
    else:
        parts.append("<p>No answer reaches the threshold.</p>")
    if f.closest:
        rows = "\n".join(f'<tr><td>{e(a)}</td><td>{e(b)}</td><td class="num">{s:.0%}</td></tr>' for s, a, b in f.closest[:20])
        parts.append("<h2>The closest pairs, flagged or not</h2>")
        parts.append(f'<table class="closest"><thead><tr><th>student</th><th>student</th><th>similarity</th></tr></thead>'
                     f"\n<tbody>\n{rows}\n</tbody></table>")  # fmt: skip
    if f.notes:
        parts.append("<h2>Not compared</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in f.notes) + "</ul>")
    body = "\n".join(parts)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>Similarity: {e(f.assignment)}</title>\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def main(args):
    workdir = Workdir(args.workdir)
    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    findings = check(args.assignment, workdir, threshold)
    out = Path(args.out) if getattr(args, "out", None) else workdir.root / "reports" / f"{args.assignment}-similarity.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".tmp")
    temporary.write_text(render(findings), encoding="utf-8")
    os.replace(temporary, out)
    for match in findings.pairs:
        print(f"similar: {match.left} and {match.right} ({match.left_share:.0%} / {match.right_share:.0%})")
    for student, gid, match in findings.from_reference:
        print(f"from the reference: {student}, {gid} ({match.left_share:.0%} of the answer)")
    print(f"{len(findings.students)} answers compared; {len(findings.pairs)} pairs and "
          f"{len(findings.from_reference)} answers flagged; wrote {out}")  # fmt: skip
    return 0
