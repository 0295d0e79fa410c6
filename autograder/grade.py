"""`grade ASSIGNMENT [--jobs N]`: grade every collected submission, N at a time.

For each student (see the package docstring for the steps): read the file, rebuild the
notebook, read the code, run it in the sandbox, judge every test cell in this process,
write the graded copy for formgrader, the result file and the gradebook.

Nothing is lost and nothing is done twice:

* the gradebook is copied to backups/ before the run;
* each student's result is written to results/ (atomically) as soon as it is known, with a
  key made of everything the score depends on (the submitted files' sha256, the source
  notebook and its translation catalogs, the assignment's grader module, the grader's own
  code and its messages' catalogs, the reference library, the limits, the seed key); a
  later run whose key is the same reuses it instead of running the notebook again, so a run
  killed halfway resumes where it stopped and ends with the same scores; a result it replaces is kept in results/<assignment>/history/;
* the gradebook update for a student is one transaction, replayed from the result file; a
  submission that cannot be graded replaces the student's earlier scores with its error
  (never leaves an older score standing).

A notebook is graded in the edition (language) its metadata claims, if the assignment is
offered in it, else in English (see :mod:`autograder.editions`): its template, its checks'
names and hints, and the verdicts a student reads are in that language; the cells, points,
hidden tests and gradebook rows are the same in every edition. Statuses, notes and
everything else an instructor reads stay English.
"""

import hashlib
import hmac
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from . import cgroup, collect, editions, gradebook, reconstruct, records, sandbox, sanitize, static, submission, verdict
from .config import Workdir, check_assignment, source_notebook
from .messages import LOCALE, speaking, tr
from .probes import load_spec
from .release import register

PACKAGE = Path(__file__).resolve().parent


def seed_key(workdir):
    """The secret the per-student seeds derive from; created on first use, readable by no one else."""
    path = workdir.secret
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def seed_for(key, assignment, student):
    """A student's seed: unpredictable without the key, the same on every regrade."""
    digest = hmac.new(key, f"{assignment}/{student}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> 1


# The grader's modules whose code decides a score (help texts, exports and reports do not).
VERDICT_MODULES = (
    "channel", "compare", "config", "editions", "grade", "messages", "notebook", "probes", "reconstruct",
    "records", "runner", "sandbox", "sanitize", "static", "submission", "syntax", "verdict",
)  # fmt: skip


def fingerprint_files(assignment):
    """The files a score (or the verdicts' words) depends on besides the submission: the
    source notebook and its translation catalogs, every grading specification (one may build
    on another) and every other assignment's catalogs (the grader speaks with all of them),
    the grader's modules that decide verdicts, their messages' catalogs and the reference
    library."""
    from .config import grading_file
    from .config import assignments as course_assignments

    paths = [source_notebook(assignment)] + [editions.catalog_path(assignment, lang) for lang in editions.editions(assignment)[1:]]
    paths += [grading_file(name) for name in course_assignments()]
    # The grader speaks with every assignment's catalog (layers' cases use toyConv's templates).
    paths += [editions.catalog_path(name, lang) for name in course_assignments() if name != assignment
              for lang in editions.editions(name)[1:]]  # fmt: skip
    paths += [PACKAGE / f"{name}.py" for name in VERDICT_MODULES]
    paths += sorted(LOCALE.glob("*.po"))
    paths += sorted(sandbox.library_folder().glob("*.py"))
    return paths


def code_fingerprint(assignment):
    """sha256 of what a score depends on besides the submission and the limits: the files of
    :func:`fingerprint_files` and nbgrader's version."""
    import nbgrader

    digest = hashlib.sha256(nbgrader.__version__.encode())
    for path in fingerprint_files(assignment):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _comparable(check):
    """What decides a check's verdict: everything but its name and hint (the words)."""
    options = {key: value for key, value in check.options.items() if key != "hint"}
    return check.kind, check.expected, options, check.name if check.kind == "hidden_tests" else None


def same_as_english(english, english_tests, other, other_tests):
    """ValueError unless the edition ``other`` grades exactly as the English template does:
    the same cells (types, kinds, grade_ids, points), the same code apart from its strings
    (a translation changes only words) and the same checks apart from names and hints."""
    shape = lambda template: [(c.cell_type, reconstruct.kind_of(c), reconstruct.grade_id_of(c),
                               c.get("metadata", {}).get("nbgrader", {}).get("points")) for c in template.cells]  # fmt: skip
    if shape(english) != shape(other):
        raise ValueError(f"the {other.edition} edition of {english.assignment} does not have the English cells")
    for index, (cell, other_cell) in enumerate(zip(english.cells, other.cells)):
        if cell.cell_type == "code" and editions.code_shape(cell.source) != editions.code_shape(other_cell.source):
            where = reconstruct.grade_id_of(cell) or f"cell {index + 1}"
            raise ValueError(f"the {other.edition} edition of {english.assignment}, {where}, has other code than the English")
    for (grade_id, points, checks), (_, other_points, others) in zip(english_tests, other_tests, strict=True):
        if points != other_points or [_comparable(c) for c in checks] != [_comparable(c) for c in others]:
            raise ValueError(f"the {other.edition} edition of {english.assignment}, test cell {grade_id!r}, checks otherwise than the English")
        if len({c.name for c in others}) != len(others):
            raise ValueError(f"the {other.edition} edition of {english.assignment}, test cell {grade_id!r}, repeats a check's name")


class Context:
    """What every student's grading shares: template, checks, spec, limits, key, hidden data.

    ``template`` and ``tests`` are the English edition's; :meth:`edition` gives each
    edition's (checked at once to have the same cells, points and checks as the English).
    """

    def __init__(self, assignment, workdir, time_limit, use_bwrap):
        self.assignment = assignment
        self.workdir = workdir
        self.template = reconstruct.Template.load(assignment)
        self.spec = load_spec(assignment)
        self.limits = self.spec.limits(time_limit)
        self.use_bwrap = use_bwrap
        self.hidden_data = None
        if self.spec.hidden_data:
            try:
                self.hidden_data = self.spec.hidden_data(local=False)
            except (FileNotFoundError, ValueError) as error:
                raise ValueError(f"the hidden tests of {assignment} need data the grader cannot find: {error}") from None
        self.tests = verdict.template_checks(self.template)
        self.editions = {editions.ENGLISH: (self.template, self.tests, {})}
        for language in editions.editions(assignment)[1:]:
            template = reconstruct.Template.load(assignment, language)
            tests = verdict.template_checks(template)
            same_as_english(self.template, self.tests, template, tests)
            self.editions[language] = (template, tests, editions.grader_translations(assignment, language))
        self.key = seed_key(workdir)
        self.fingerprint = code_fingerprint(assignment)

    def edition(self, language):
        """(template, tests, translations for the grader's own words) of ``language`` (English
        if not offered)."""
        return self.editions.get(language) or self.editions[editions.ENGLISH]

    def challenges(self, seed):
        """({test grade_id: packed inputs per probe}, {hidden check name: cases with answers}).

        The cases of every hidden test, drawn from the student's seed here, in the grader.
        Only their inputs go into the sandbox, each with the test cell that uses it; the
        hidden data's answers (the labels of the digits) never leave this process.
        """
        secret = set(self.hidden_data.answers) if self.hidden_data else set()
        data = self.hidden_data.everything() if self.hidden_data else None
        packed, cases = {}, {}
        for grade_id, _, checks in self.tests:
            for check in checks:
                if check.kind != "hidden_tests":
                    continue
                probe = load_spec(check.expected).probe(check.name.removeprefix("hidden:"))
                cases[check.name] = probe.cases(seed, data if probe.uses_data else None)
                packed.setdefault(grade_id, {})[probe.name] = [
                    {"label": case.label, "inputs": records.pack({k: v for k, v in case.inputs.items() if k not in secret})}
                    for case in cases[check.name]
                ]
        return packed, cases

    def reason(self, rule, language):
        """A Forbidden rule's reason in ``language``."""
        return editions.translated_reason(rule.reason, self.edition(language)[2])

    def result_key(self, entry):
        payload = json.dumps(
            [entry["files"], self.fingerprint, asdict(self.limits), hashlib.sha256(self.key).hexdigest()],
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


def _signal_name(returncode):
    code = -returncode if returncode < 0 else returncode - 128 if returncode > 128 else None
    try:
        return signal.Signals(code).name if code else None
    except ValueError:
        return None


def _stop_reason(run, limits):
    """Why the notebook did not reach its end, in words, or None if it did."""
    if run.timed_out:
        return tr("the notebook reached the time limit of {seconds} s", seconds=f"{limits.time:g}")
    if run.overflow:
        return tr("the notebook's process sent the grader more data than a notebook may (it was stopped)")
    if not run.finished and not run.exited:
        return tr("the notebook's process stopped answering the grader (it closed or broke the channel)")
    if not run.finished:
        name = _signal_name(run.returncode)
        how = tr("killed by {signal}", signal=name) if name else tr("exit code {code}", code=run.returncode)
        return tr("the notebook's process stopped ({how})", how=how)
    return None


def _error_of(outputs):
    """'ErrorName: message' of the error a cell stopped with, or None."""
    for output in outputs or []:
        if output.get("output_type") == "error":
            return f"{str(output.get('ename'))[:80]}: {str(output.get('evalue'))[:300]}".rstrip(": ")
    return None


def _not_run_reason(outputs, stop_reason, earlier=None):
    """Why the checks of one cell recorded nothing.

    ``earlier``: (name, error) of the last cell before it, not a test cell, that stopped with
    an error. A NameError in a test cell usually comes from there (a training cell that
    failed never defined the network), so the message names it.
    """
    if outputs is None:
        return tr("the cell did not finish: {reason}", reason=stop_reason) if stop_reason else tr("the cell did not run")
    error = _error_of(outputs)
    if error is None:
        return tr("the check was not reached")
    if earlier and error.startswith("NameError"):
        return tr("the cell stopped with {error}; an earlier cell, {cell}, stopped with {earlier}", error=error,
                  cell=earlier[0], earlier=earlier[1])
    return tr("the cell stopped with {error}", error=error)


def _verdict_output(cell_verdict):
    fields = {"cell": cell_verdict.grade_id, "score": f"{cell_verdict.score:g}", "points": f"{cell_verdict.points:g}"}
    if cell_verdict.messages:
        lines = [tr("[grader] {cell}: failed, {score} of {points} points", **fields)]
    else:
        lines = [tr("[grader] {cell}: passed, {score} of {points} points", **fields)]
    # Messages quote what the student's code raised: cleaned like every other output, and
    # every line of a message indented under its "- ", so that none can pass for a verdict.
    lines += ["  - " + sanitize.text(message, 2_000).replace("\n", "\n    ") for message in cell_verdict.messages]
    return {"output_type": "stream", "name": "stdout", "text": "\n".join(lines) + "\n"}


def _error_result(student, message, key=None):
    return {
        "student": student,
        "status": f"error: {message}",
        "score": 0.0,
        "cells": {},
        "comments": {},
        "manual_reasons": [],
        "notes": [],
        "key": key,
    }


def _forbidden_tests(context, findings, language=editions.ENGLISH):
    """{test grade_id: reason} for the tests a forbidden use of the reference zeroes."""
    zeroed = {}
    for rule in context.spec.forbidden:
        if rule.target in findings.forbidden:
            for grade_id, _, _ in context.tests:
                if not rule.tests or grade_id in rule.tests:
                    zeroed[grade_id] = context.reason(rule, language)
    return zeroed


def _judge_tests(context, rebuilt, findings, run, hidden_cases, language=editions.ENGLISH):
    """({grade_id: cell result}, {cell index: the verdict output}) for every graded cell,
    judged with the checks of edition ``language`` (the one ``rebuilt`` was made from)."""
    stop_reason = _stop_reason(run, context.limits)
    grade_ids = [cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") for cell in rebuilt.cells]
    index_of = {grade_id: i for i, grade_id in enumerate(grade_ids) if grade_id}
    zeroed = _forbidden_tests(context, findings, language)
    cells, outputs = {}, {}
    failed = [  # (index, name, error) of the cells other than tests that stopped with an error
        (i, grade_ids[i] or f"cell {i + 1}", _error_of(run.outputs.get(i)))
        for i, kind in enumerate(rebuilt.kinds)
        if kind != "test" and _error_of(run.outputs.get(i))
    ]
    for grade_id, points, checks in context.edition(language)[1]:
        index = index_of[grade_id]
        earlier = [(name, error) for i, name, error in failed if i < index]
        reason = _not_run_reason(run.outputs.get(index), stop_reason, earlier[-1] if earlier else None)
        cell_verdict = verdict.judge_cell(grade_id, points, checks, run.records, hidden_cases, reason)
        if grade_id in zeroed:
            cell_verdict.score = 0.0
            cell_verdict.messages.append(tr("0 points: {reason}", reason=zeroed[grade_id]))
        cells[grade_id] = {"score": cell_verdict.score, "max_score": points, "messages": cell_verdict.messages}
        outputs[index] = [_verdict_output(cell_verdict)]
    for grade_id, kind in zip(grade_ids, rebuilt.kinds):
        if kind in ("manual", "task"):  # written answers: the instructor grades them in formgrader
            cells[grade_id] = {"score": None, "max_score": None, "messages": ["graded by hand"]}
    return cells, outputs


def _comments(context, rebuilt, findings, language=editions.ENGLISH):
    """nbgrader's automatic comment of each answer cell: no response, or a forbidden use."""
    comments = {grade_id: None for grade_id in context.template.answer_ids()}
    for grade_id in rebuilt.unanswered:
        comments[grade_id] = "No response."
    for rule in context.spec.forbidden:
        for where in findings.forbidden.get(rule.target, []):
            label = where.split(",")[0]  # "conv_forward, line 3", or one of the student's own cells
            comments[label if label in comments else next(iter(comments))] = tr(
                "Uses {target}: {reason}.", target=rule.target, reason=context.reason(rule, language)
            )
    return comments


def _status(run, limits, manual_reasons):
    with speaking(editions.ENGLISH):  # the status column is the instructor's
        stop_reason = _stop_reason(run, limits)
    if run.timed_out:
        return "timeout"
    if stop_reason:
        return f"error: {stop_reason}"
    if manual_reasons:
        return f"manual: {manual_reasons[0]}"
    return "graded"


@dataclass
class Prepared:
    """One student's grading up to the sandbox run (see :func:`prepare_student`).

    ``cells`` and ``files`` are what the sandbox gets (the hidden tests' inputs only, packed
    into their test cells); the rest, the hidden answers above all, stays in this process
    for :func:`finish_student`.
    """

    student: str
    entry: dict
    key: str
    rebuilt: object
    findings: object
    hidden_cases: dict
    cells: list  # [{"index", "kind", "source", "cases", "checks"}], as sandbox.run takes them
    files: dict  # {relative path: path of the collected file}, the notebook itself left out
    notes: list
    edition: str = editions.ENGLISH  # the language the notebook is graded in


def prepare_student(context, student, entry):
    """Everything before the sandbox run: read, rebuild, inspect, draw the hidden cases.

    Returns a :class:`Prepared`, or the student's result (a dict) if the submission cannot be
    run at all (no notebook, a changed file, an unreadable notebook).
    """
    key = context.result_key(entry)
    if not entry.get("notebook"):
        return _error_result(student, "; ".join(entry.get("notes") or ["no notebook"]), key)
    try:
        files = collect.verify(context.workdir, context.assignment, student, entry)
        cells, notes, metadata = submission.read_notebook(files.pop(entry["notebook"]))
    except (ValueError, submission.BadSubmission) as problem:
        return _error_result(student, str(problem), key)
    # The edition is the student's claim: one the assignment is offered in, else English.
    language = editions.edition_of(metadata, context.assignment)
    template, tests, _ = context.edition(language)
    rebuilt = reconstruct.reconstruct(template, cells)
    findings = static.inspect_code(rebuilt.student_code, context.spec.forbidden)
    seed = seed_for(context.key, context.assignment, student)
    with speaking(language, context.edition(language)[2]):  # the cases' labels, in the notebook's language
        packed, hidden_cases = context.challenges(seed)
    checks = {grade_id: tuple(check.name for check in cell_checks) for grade_id, _, cell_checks in tests}
    code_cells = []
    for index, (cell, kind) in enumerate(zip(rebuilt.cells, rebuilt.kinds)):
        if cell["cell_type"] != "code":
            continue
        grade_id = reconstruct.grade_id_of(cell) if kind == "test" else None
        code_cells.append(
            {"index": index, "kind": kind, "source": cell["source"], "cases": packed.get(grade_id), "checks": checks.get(grade_id, ())}
        )
    return Prepared(student, entry, key, rebuilt, findings, hidden_cases, code_cells, files, notes, language)


def run_locally(context, prepared):
    """The sandbox run of one prepared student on this machine (``grade --jobs``)."""
    scratch = Path(tempfile.mkdtemp(dir=context.workdir.tmp, prefix=f"{context.assignment}-"))
    try:
        return sandbox.run(context.spec, prepared.cells, scratch / "run", prepared.files, context.limits, context.use_bwrap)
    finally:
        sandbox.remove_tree(scratch)


def finish_student(context, prepared, run):
    """Everything after the sandbox run, in this process: judge every test cell, write the
    graded copy; returns the result (a JSON-able dict)."""
    rebuilt, findings, entry = prepared.rebuilt, prepared.findings, prepared.entry
    # Everything below reads the outputs rebuilt here, never what the student's process sent.
    budget = sanitize.Budget()
    run.outputs = {index: sanitize.outputs(raw, context.limits.output, budget) for index, raw in sorted(run.outputs.items())}
    language = prepared.edition
    with speaking(language, context.edition(language)[2]):  # the verdicts a student reads, in their notebook's language
        result_cells, verdict_outputs = _judge_tests(context, rebuilt, findings, run, prepared.hidden_cases, language)
        comments = _comments(context, rebuilt, findings, language)
    manual_reasons = [f"answer cell {gid!r} not found in the submission (nbgrader metadata deleted?)" for gid in rebuilt.unmatched]
    manual_reasons += [f"code to check by hand: {what}" for what in findings.suspicious]
    if run.stray:
        manual_reasons.append(
            f"the notebook's process sent the grader {run.stray} message(s) it did not ask for "
            "(honest code never writes to the grader's channel)"
        )
    _write_graded_notebook(context, prepared.student, rebuilt, run, verdict_outputs, language)
    return {
        "student": prepared.student,
        "status": _status(run, context.limits, manual_reasons),
        "score": sum(cell["score"] or 0.0 for cell in result_cells.values()),
        "cells": result_cells,
        "comments": comments,
        "manual_reasons": manual_reasons,
        "notes": list(entry.get("notes", [])) + prepared.notes + rebuilt.notes + [f"syntax error in {w}" for w in findings.syntax_errors],
        "seconds": round(run.elapsed, 2),
        "key": prepared.key,
        "edition": language,
    }


def grade_student(context, student, entry):
    """Grade one student's collected submission on this machine; returns the result."""
    prepared = prepare_student(context, student, entry)
    if isinstance(prepared, dict):
        return prepared
    return finish_student(context, prepared, run_locally(context, prepared))


def _write_graded_notebook(context, student, rebuilt, run, verdict_outputs, language=editions.ENGLISH):
    """The autograded copy formgrader and the feedback show: the graded cells and outputs.

    Written as plain JSON: the cells are the template's (valid nbformat) with the student's
    source, and every output was rebuilt by :mod:`autograder.sanitize` (only text and
    checked PNG images, bounded in size), so nbformat's schema validation would only cost
    time on every notebook.
    """
    cells = []
    for index, (cell, kind) in enumerate(zip(rebuilt.cells, rebuilt.kinds)):
        cell = dict(cell, id=f"cell-{index}")
        if cell["cell_type"] == "code":
            cell["outputs"] = verdict_outputs.get(index) or run.outputs.get(index, [])
            cell["execution_count"] = None
        cells.append(cell)
    notebook = {"cells": cells, "metadata": context.edition(language)[0].notebook.metadata, "nbformat": 4, "nbformat_minor": 5}
    folder = context.workdir.autograded / student / context.assignment
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{context.assignment}.ipynb").write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    stamp = context.workdir.submitted / student / context.assignment / "timestamp.txt"
    if stamp.exists():
        shutil.copyfile(stamp, folder / "timestamp.txt")


def _intact(context, student, entry):
    """Whether the stored files are still the collected ones (else the result is stale)."""
    try:
        collect.verify(context.workdir, context.assignment, student, entry)
    except ValueError:
        return False
    return True


def _result_path(workdir, assignment, student):
    return workdir.results / assignment / f"{student}.json"


def _save_result(workdir, assignment, result):
    path = _result_path(workdir, assignment, result["student"])
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and json.loads(path.read_text()).get("key") != result.get("key"):
        history = path.parent / "history"
        history.mkdir(exist_ok=True)
        shutil.copyfile(path, history / f"{path.stem}-{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9:09d}.json")
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(result, indent=1, sort_keys=True))
    os.replace(temporary, path)


def load_results(workdir, assignment):
    folder = workdir.results / assignment
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))} if folder.exists() else {}


def _record(gb, assignment, result, entry, review):
    """A student's result into the gradebook.

    A result without cells (the submission could not be graded) removes the student's
    earlier submission of this assignment from the gradebook, so that no older score stands
    beside the error; the earlier result stays in results/<assignment>/history/ and the
    gradebook in backups/.
    """
    if result["cells"]:
        # nbgrader compares this with submitted/.../timestamp.txt, which holds the submission time.
        gradebook.save(gb, assignment, result, entry.get("submitted") or entry["collected"], review)
        return
    gb.update_or_create_student(result["student"])
    try:
        gb.remove_submission(assignment, result["student"])
    except Exception:  # nbgrader raises MissingEntry when there is none
        gb.db.rollback()
    gb.db.commit()


def _grader_failed(student, error):
    """The result of a student whose grading raised (a grader bug, or a cluster's refusal).

    Marked ``grader_failed``: the submission is not at fault, so :func:`grade` keeps the
    grade an earlier run gave it (manual grades included) instead of this one."""
    result = _error_result(student, f"the grader failed on this submission ({type(error).__name__}: {error})")
    result["grader_failed"] = True
    return result


def _local_results(context, manifest, todo, jobs):
    """(student, result) of each student of ``todo`` as soon as it is known, ``jobs`` at a time."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(grade_student, context, s, manifest[s]): s for s in todo}
        for future in as_completed(futures):
            student = futures[future]
            try:
                result = future.result()
            except Exception as error:  # a grader bug must not stop the rest of the class
                traceback.print_exc()
                result = _grader_failed(student, error)
            yield student, result


def grade(
    assignment, workdir, jobs=1, time_limit=None, force=False, use_bwrap=True, progress=True, students=None,
    cluster=None, stats=None,
):  # fmt: skip
    """Grade the collected submissions of ``assignment``; returns {student: result}.

    Results reused from an earlier run go to the gradebook first; each new result goes to
    results/ and then to the gradebook as soon as it is known, while the other notebooks run.

    ``cluster``: the address of a Dask scheduler (``tcp://HOST:PORT``) or a
    ``distributed.Client``; the notebooks then run on its workers (see
    :mod:`autograder.cluster`) and everything else here, as without it. ``stats``: a dict
    this fills with what the run learnt about the cluster (``retried``: {student: how many
    times the task started}, ``dashboard``, ``workers``).
    """
    from tqdm import tqdm

    check_assignment(assignment)
    if cluster is not None and not use_bwrap:
        raise ValueError("--no-sandbox cannot be used with --cluster: the workers always grade in their sandbox")
    if cluster is None and use_bwrap and not sandbox.bwrap_path():
        raise ValueError(
            "the sandbox does not work here (it needs bubblewrap, util-linux's setpriv, unshare and mount, and "
            "user namespaces): student code would run with your rights and see your files. Install "
            "the package bubblewrap, or use --no-sandbox to grade anyway, for code you trust"
        )
    if progress and cluster is None and cgroup.unavailable_reason():
        print(f"warning: no process limit for the notebooks: {cgroup.unavailable_reason()}; "
              "a fork bomb is stopped by the time limit only", file=sys.stderr)  # fmt: skip
    manifest = collect.load_manifest(workdir, assignment)["students"]
    unknown = sorted(set(students or ()) - set(manifest))
    if unknown:
        raise ValueError(f"no collected {assignment} submission for {', '.join(unknown)}")
    workdir.create()
    workdir.tmp.mkdir(exist_ok=True)
    if gradebook.backup(workdir) is None and not workdir.db_is_sqlite and progress:
        print("note: the gradebook is on a database server; back it up with its own tools "
              "(PostgreSQL: pg_dump), see autograder/GUIDE_CLUSTER.md", file=sys.stderr)  # fmt: skip
    register(assignment, workdir)
    context = Context(assignment, workdir, time_limit, use_bwrap)
    chosen = sorted(manifest) if students is None else sorted(set(students))
    previous = load_results(workdir, assignment)

    def current(student):
        """The earlier result of ``student`` grades this submission, as stored, with these tests."""
        cached = previous.get(student)
        return (
            cached is not None
            and cached.get("key") == context.result_key(manifest[student])
            and _intact(context, student, manifest[student])
        )

    def reusable(student):
        return not force and current(student)

    results = {student: previous[student] for student in chosen if reusable(student)}
    todo = [student for student in chosen if student not in results]
    session = None
    if cluster is not None and todo:
        from .cluster import Session

        session = Session(cluster, context, progress=progress)  # refuses if no worker can grade
    lock = gradebook.WriteLock(workdir)  # other graders may share a PostgreSQL gradebook
    try:
        with gradebook.open_gradebook(workdir) as gb:
            for student, result in results.items():
                with lock:
                    _record(gb, assignment, result, manifest[student], review=False)
            stream = session.results(manifest, todo) if session else _local_results(context, manifest, todo, jobs)
            bar = tqdm(total=len(todo), desc=f"grading {assignment}", unit="nb", disable=not progress or not todo)
            for student, result in stream:
                if result.pop("grader_failed", False) and current(student):
                    # Not the student's fault, and the earlier grade is this very submission's
                    # (same files, same tests: a forced regrade): it stays, in results/ and in
                    # the gradebook with its manual grades. A grade of an older submission is
                    # not kept: a notebook that makes the grader fail must not keep it.
                    print(f"{student}: {result['status']}; the grade of the earlier run is kept", file=sys.stderr)
                    results[student] = previous[student]
                    bar.update()
                    continue
                _save_result(workdir, assignment, result)
                review = previous.get(student, {}).get("key") != result.get("key")
                with lock:
                    _record(gb, assignment, result, manifest[student], review)
                results[student] = result
                bar.update()
            bar.close()
    finally:
        lock.close()
        if session:
            if stats is not None:
                stats.update(session.stats())
            session.close()
    return dict(sorted(results.items()))


def summary(results, assignment, max_score, workdir):
    """The table `grade` prints: one line per student, scores and statuses as `export` has them."""
    recorded = gradebook.submissions(workdir)[0]
    lines = [f"{'student':20} {'score':>11}  {'time':>6}  status"]
    for student, result in sorted(results.items()):
        score, reviewed = recorded.get((student, assignment), (result["score"], False))
        seconds = f"{result['seconds']:.1f}s" if "seconds" in result else "-"
        status = gradebook.status(result["status"], reviewed)
        lines.append(f"{student:20} {score:5g} / {max_score:<3g}  {seconds:>6}  {status}")
    return "\n".join(lines)


def main(args):
    workdir = Workdir(args.workdir, getattr(args, "db", None))
    if args.no_sandbox:
        print("warning: --no-sandbox: student code runs with your rights and can read and change your files",
              file=sys.stderr)  # fmt: skip
    stats = {}
    results = grade(
        args.assignment, workdir, jobs=args.jobs, time_limit=args.timeout, force=args.force,
        use_bwrap=not args.no_sandbox, students=args.student, cluster=getattr(args, "cluster", None), stats=stats,
    )  # fmt: skip
    max_score = sum(points for _, points, _ in reconstruct.Template.load(args.assignment).test_cells())
    print(summary(results, args.assignment, max_score, workdir))
    if stats:
        from .cluster import describe

        print(describe(stats))
    return 0
