"""`report ASSIGNMENT`: the class report, one self-contained HTML page.

What an instructor reads to decide what to re-teach: the distribution of the final scores;
for every test cell the share of students who passed it (full points), the visible tests
and the hidden ones apart; the most common failure messages of each test, with counts; how
long each notebook took to grade; how many students submitted on time, late or not at
all; and one row per student.

A test cell is *hidden* when its source (solutions/<A>/<A>.ipynb) runs hidden tests
(``hidden_tests(`` or a ``### BEGIN HIDDEN TESTS`` block): its visible checks are only
part of its points. The page has no script and loads nothing: the plots are PNG images
(matplotlib, Agg) inside the page. Everything a student controls (ids, messages) is
HTML-escaped. The command only reads the manifest, the results and the gradebook; it
writes the page (default ``reports/<A>.html`` in the working folder) and nothing else.
"""

import base64
import html
import io
import os
import statistics
from collections import Counter
from datetime import timezone
from pathlib import Path

from .collect import load_manifest
from .config import Workdir, check_assignment
from .course import format_delay, load_course
from .export import grades as load_grades
from .grade import load_results
from .reconstruct import Template

TOP_MESSAGES = 5
MESSAGE_CHARS = 300
HIDDEN_MARKERS = ("hidden_tests(", "### BEGIN HIDDEN TESTS")


def is_hidden(source):
    return any(marker in source for marker in HIDDEN_MARKERS)


def test_cells(assignment):
    """[(grade_id, points, hidden)] of the assignment's autograded test cells, in order."""
    return [(gid, points, is_hidden(source)) for gid, points, source in Template.load(assignment).test_cells()]


def _passed(cell):
    return cell.get("score") is not None and cell.get("max_score") and cell["score"] >= cell["max_score"] - 1e-9


def test_statistics(tests, results):
    """{grade_id: {"passed", "partial", "failed", "graded", "messages": Counter}} over the graded results."""
    stats = {gid: {"passed": 0, "partial": 0, "failed": 0, "graded": 0, "messages": Counter()} for gid, _, _ in tests}
    for result in results.values():
        for gid, stat in stats.items():
            cell = result.get("cells", {}).get(gid)
            if cell is None:  # an error before any test (unreadable notebook): every test failed
                if result.get("status", "").startswith("error"):
                    stat["graded"] += 1
                    stat["failed"] += 1
                    stat["messages"][_short(result["status"])] += 1
                continue
            stat["graded"] += 1
            if _passed(cell):
                stat["passed"] += 1
                continue
            stat["partial" if (cell.get("score") or 0) > 0 else "failed"] += 1
            for message in cell.get("messages") or ["(no message)"]:
                stat["messages"][_short(message)] += 1
    return stats


def _short(message):
    message = str(message)
    return message if len(message) <= MESSAGE_CHARS else message[: MESSAGE_CHARS - 1] + "…"


# Plots ------------------------------------------------------------------------------------


def _png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(width=7.0, height=3.2):
    from matplotlib.figure import Figure  # no pyplot: no global state, Agg through savefig

    figure = Figure(figsize=(width, height))
    return figure, figure.add_subplot()


def plot_scores(finals, max_score):
    figure, axes = _figure()
    bins = max(5, min(20, int(max_score) + 1)) if max_score else 10
    upper = max_score or max(finals or [1])
    axes.hist(finals, bins=bins, range=(0, upper), color="#4477aa", edgecolor="white")
    axes.set_xlabel(f"final score (of {max_score:g})")
    axes.set_ylabel("students")
    axes.set_title("Score distribution (students who submitted)")
    return _png(figure)


def plot_tests(rows, title, color):
    """rows: [(grade_id, share passed)]."""
    figure, axes = _figure(7.0, 0.5 + 0.45 * max(1, len(rows)))
    names = [gid for gid, _ in rows][::-1]
    shares = [100 * share for _, share in rows][::-1]
    bars = axes.barh(names, shares, color=color)
    axes.bar_label(bars, labels=[f"{s:.0f}%" for s in shares], padding=3)
    axes.set_xlim(0, 110)
    axes.set_xlabel("students who passed (full points), %")
    axes.set_title(title)
    return _png(figure)


def plot_times(seconds):
    figure, axes = _figure()
    axes.hist(seconds, bins=min(20, max(5, len(seconds))), color="#ccbb44", edgecolor="white")
    axes.set_xlabel("seconds to grade one notebook")
    axes.set_ylabel("notebooks")
    axes.set_title("Grading time per notebook")
    return _png(figure)


def plot_status(counts):
    figure, axes = _figure(5.0, 2.4)
    labels = list(counts)
    bars = axes.bar(labels, [counts[k] for k in labels], color=["#228833", "#ee6677", "#bbbbbb"])
    axes.bar_label(bars, padding=2)
    axes.set_ylabel("students")
    axes.set_title("Submissions")
    axes.set_ylim(0, max(counts.values() or [1]) * 1.25 + 0.5)
    return _png(figure)


# Page -------------------------------------------------------------------------------------

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .message { font-family: ui-monospace, monospace; font-size: 0.9em; white-space: pre-wrap; }
img { max-width: 100%; }
.late { color: #a00; }
"""


def e(value):
    return html.escape(str(value), quote=True)


def _table(header, rows, numeric=(), css_class=None):
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "\n".join(
        "<tr>" + "".join(f'<td class="num">{e(c)}</td>' if i in numeric else f"<td>{c if isinstance(c, Markup) else e(c)}</td>"
                         for i, c in enumerate(row)) + "</tr>"  # fmt: skip
        for row in rows
    )
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<table{attribute}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


class Markup(str):
    """HTML built here from escaped parts: inserted as it is."""


def _img(data, alt):
    return f'<img src="data:image/png;base64,{data}" alt="{e(alt)}">'


def _test_section(title, rows, stats, points):
    if not rows:
        return f"<h3>{e(title)}</h3>\n<p>None in this assignment.</p>"
    shares = [(gid, stats[gid]["passed"] / stats[gid]["graded"] if stats[gid]["graded"] else 0.0) for gid in rows]
    table = _table(
        ["test cell", "points", "passed", "partly", "failed", "graded", "passed %"],
        [
            [Markup(f"<code>{e(gid)}</code>"), f"{points[gid]:g}", stats[gid]["passed"], stats[gid]["partial"],
             stats[gid]["failed"], stats[gid]["graded"], f"{100 * share:.0f}%"]  # fmt: skip
            for gid, share in shares
        ],
        numeric=(1, 2, 3, 4, 5, 6),
        css_class="tests",
    )
    color = "#aa3377" if title.startswith("Hidden") else "#228833"
    image = _img(plot_tests(shares, title, color), title + ": share of students who passed")
    return f"<h3>{e(title)}</h3>\n{image}\n{table}"


def build(assignment, workdir, course=None):
    """The report's HTML text."""
    check_assignment(assignment)
    manifest = load_manifest(workdir, assignment)["students"]
    results = load_results(workdir, assignment)
    if not manifest and not results:
        raise ValueError(f"nothing collected for {assignment} in {workdir.root}: run collect (and grade) first")
    course = load_course() if course is None else course
    tests = test_cells(assignment)
    points = {gid: p for gid, p, _ in tests}
    grades = load_grades(workdir, [assignment], course)
    max_score = grades[0].max_score if grades else sum(points.values())
    stats = test_statistics(tests, {s: r for s, r in results.items() if s in manifest})

    submitted = [g for g in grades if g.status != "missing"]
    finals = [g.final for g in submitted]
    counts = {
        "on time": sum(1 for g in submitted if not g.lateness.late),
        "late": sum(1 for g in submitted if g.lateness.late),
        "missing": sum(1 for g in grades if g.status == "missing"),
    }
    policy = course.policy(assignment)
    due = policy.due.isoformat() if policy.due else "none (course.toml gives no due date)"

    parts = [f"<h1>Class report: {e(assignment)}</h1>"]
    summary = [
        ["students", len(grades)],
        ["submitted", len(submitted)],
        ["on time / late / missing", f"{counts['on time']} / {counts['late']} / {counts['missing']}"],
        ["due", due],
        ["late policy", f"{policy.late_policy}, {policy.late_penalty:g}% per unit, cap {policy.late_cap:g}%, grace {policy.grace_minutes:g} min"
         if policy.due else "-"],  # fmt: skip
        ["extensions", len(course.extensions.get(assignment, {}))],
        ["mean / median final score", f"{statistics.mean(finals):.2f} / {statistics.median(finals):g} of {max_score:g}" if finals else "-"],
    ]
    parts.append(_table(["", ""], summary, css_class="summary"))

    parts.append("<h2>Score distribution</h2>")
    if finals:
        parts.append(_img(plot_scores(finals, max_score), "histogram of the final scores"))
    else:
        parts.append("<p>No submission yet.</p>")

    parts.append("<h2>Submissions: on time, late, missing</h2>")
    parts.append(_img(plot_status(counts), "bar chart of on-time, late and missing submissions"))
    parts.append(_table(["on time", "late", "missing"], [[counts["on time"], counts["late"], counts["missing"]]],
                        numeric=(0, 1, 2), css_class="status"))  # fmt: skip

    parts.append("<h2>Tests passed</h2>")
    parts.append("<p>A student passed a test cell when it got all its points. Hidden test cells also run "
                 "checks the students never saw.</p>")  # fmt: skip
    parts.append(_test_section("Visible tests", [gid for gid, _, hidden in tests if not hidden], stats, points))
    parts.append(_test_section("Hidden tests", [gid for gid, _, hidden in tests if hidden], stats, points))

    parts.append("<h2>Most common failure messages</h2>")
    for gid, _, hidden in tests:
        common = stats[gid]["messages"].most_common(TOP_MESSAGES)
        parts.append(f"<h3><code>{e(gid)}</code> ({'hidden' if hidden else 'visible'})</h3>")
        if not common:
            parts.append("<p>No failures.</p>")
            continue
        parts.append(_table(["students", "message"], [[n, Markup(f'<span class="message">{e(m)}</span>')] for m, n in common],
                            numeric=(0,), css_class="messages"))  # fmt: skip

    parts.append("<h2>Grading time per notebook</h2>")
    timed = sorted(((r["seconds"], s) for s, r in results.items() if isinstance(r.get("seconds"), (int, float))), reverse=True)
    if timed:
        seconds = [t for t, _ in timed]
        parts.append(_img(plot_times(seconds), "histogram of the grading time per notebook"))
        parts.append(f"<p>median {statistics.median(seconds):.1f} s, longest {seconds[0]:.1f} s, "
                     f"total {sum(seconds):.0f} s over {len(seconds)} notebooks.</p>")  # fmt: skip
        parts.append(_table(["student", "seconds", "status"], [[s, f"{t:.1f}", results[s].get("status", "")] for t, s in timed[:10]],
                            numeric=(1,), css_class="times"))  # fmt: skip
    else:
        parts.append("<p>No notebook graded yet.</p>")

    parts.append("<h2>Students</h2>")
    student_rows = []
    for g in grades:
        when = g.submitted.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if g.submitted else "-"
        late = format_delay(g.lateness.late_by) if g.lateness.late else ""
        student_rows.append([g.student, when, g.submitted_from or "-", late, f"{g.raw:g}", f"{g.penalty:g}", f"{g.final:g}", g.status])
    parts.append(_table(["student", "submitted", "time from", "late by", "raw score", "late penalty", "final score", "status"],
                        student_rows, numeric=(4, 5, 6), css_class="students"))  # fmt: skip

    body = "\n".join(parts)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>Class report: {e(assignment)}</title>\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def write(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path


def main(args):
    workdir = Workdir(args.workdir, getattr(args, "db", None))
    course = load_course(getattr(args, "course", None))
    text = build(args.assignment, workdir, course)
    out = Path(args.out) if getattr(args, "out", None) else workdir.root / "reports" / f"{args.assignment}.html"
    print(f"wrote {write(out, text)}")
    return 0
