"""The course's term: due dates, late policies and extensions, read from ``course.toml``.

The file sits at the repository root (``$AUTOGRADER_COURSE`` or ``--course FILE`` name
another one) and is plain TOML an instructor edits::

    [assignments.toyConv]
    due = "2026-03-04T12:00:00+09:00"   # ISO 8601 with a time zone
    late_policy = "per_day"             # "none" | "per_day" | "per_hour" | "zero"
    late_penalty = 10                   # percent of the score per started day (or hour) late
    late_cap = 100                      # percent; at most this much is taken
    grace_minutes = 0                   # submissions this long after the deadline are on time

    [extensions.toyConv]
    s1234 = "2026-03-06T12:00:00+09:00" # this student's own deadline

An assignment without a table (or without ``due``) has no deadline: nothing is late.

:func:`lateness` decides one submission. The deadline is the student's extension if there
is one, else ``due``. A submission at or before ``deadline + grace_minutes`` is on time.
Later than that it is late by ``submitted - deadline`` (the grace period is not
subtracted), and the penalty is, in percent of the score:

* ``none``: 0 (the submission is still listed as late);
* ``per_day`` / ``per_hour``: ``late_penalty`` times the number of started days (hours),
  at most ``late_cap``;
* ``zero``: 100.

The submission time of each collected student comes from ``manifests/<A>.json``: the
entry's ``"submitted"`` (ISO 8601, written by ``collect`` from the best evidence it had,
named in ``"submitted_from"``), or else the ``"collected"`` time.
"""

import math
import os
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .config import REPO_ROOT
from .config import assignments as course_assignments

COURSE_FILE = "course.toml"
POLICIES = ("none", "per_day", "per_hour", "zero")
COLLECTED_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"
_KEYS = {"due", "late_policy", "late_penalty", "late_cap", "grace_minutes"}


@dataclass(frozen=True)
class Policy:
    """One assignment's deadline and late policy (``due`` None: no deadline)."""

    due: datetime | None = None
    late_policy: str = "none"
    late_penalty: float = 0.0
    late_cap: float = 100.0
    grace_minutes: float = 0.0


@dataclass(frozen=True)
class Course:
    """What ``course.toml`` says: {assignment: Policy}, {assignment: {student: deadline}}."""

    assignments: dict = field(default_factory=dict)
    extensions: dict = field(default_factory=dict)
    path: Path | None = None

    def policy(self, assignment):
        return self.assignments.get(assignment, Policy())

    def deadline(self, assignment, student):
        """The student's deadline: their extension, else the assignment's due date (or None)."""
        return self.extensions.get(assignment, {}).get(student) or self.policy(assignment).due


@dataclass(frozen=True)
class Lateness:
    late: bool
    late_by: timedelta
    penalty_percent: float
    deadline: datetime | None = None

    def describe(self):
        """'on time', 'no due date' or '1 day 2 h late, penalty 20%'."""
        if self.deadline is None:
            return "no due date"
        if not self.late:
            return "on time"
        return f"{format_delay(self.late_by)} late, penalty {self.penalty_percent:g}%"


ON_TIME = Lateness(False, timedelta(0), 0.0)


def parse_time(text, what):
    """An aware datetime from ISO 8601 text; ValueError naming ``what`` otherwise."""
    if isinstance(text, datetime):  # TOML's own date-time type
        value = text
    elif isinstance(text, str):
        try:
            value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{what}: {text!r} is not an ISO 8601 date and time") from None
    else:
        raise ValueError(f"{what}: expected a date and time such as \"2026-03-04T12:00:00+09:00\", got {text!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what}: {text!s} has no time zone (write e.g. +09:00 or Z at the end)")
    return value


def _number(table, key, what, default, low=0.0, high=None):
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what}.{key}: expected a number, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise ValueError(f"{what}.{key}: {value!r} must be {bounds}")
    return float(value)


def _policy(name, table, path):
    what = f"{path.name}: [assignments.{name}]"
    if not isinstance(table, dict):
        raise ValueError(f"{what} must be a table")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ValueError(f"{what}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    policy = table.get("late_policy", "none")
    if policy not in POLICIES:
        raise ValueError(f"{what}.late_policy: {policy!r} is not one of {', '.join(map(repr, POLICIES))}")
    due = parse_time(table["due"], f"{what}.due") if "due" in table else None
    return Policy(
        due=due,
        late_policy=policy,
        late_penalty=_number(table, "late_penalty", what, 0, 0, 100),
        late_cap=_number(table, "late_cap", what, 100, 0, 100),
        grace_minutes=_number(table, "grace_minutes", what, 0),
    )


def course_path(path=None):
    return Path(path or os.environ.get("AUTOGRADER_COURSE") or REPO_ROOT / COURSE_FILE)


def load_course(path=None):
    """The Course of ``path`` (default: $AUTOGRADER_COURSE, else course.toml at the root).

    A missing default file is an empty course (no deadlines); a file named explicitly must
    exist. Mistakes in the file raise ValueError naming the table and key.
    """
    explicit = path is not None or bool(os.environ.get("AUTOGRADER_COURSE"))
    path = course_path(path)
    if not path.is_file():
        if explicit:
            raise ValueError(f"the course file {path} does not exist")
        return Course(path=None)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path.name} is not valid TOML: {error}") from None
    unknown = sorted(set(data) - {"assignments", "extensions", "course"})
    if unknown:
        raise ValueError(f"{path.name}: unknown table [{unknown[0]}] (known: [assignments.NAME], [extensions.NAME])")
    assignments, extensions = {}, {}
    for section in ("assignments", "extensions"):
        for name in data.get(section, {}):
            if name not in course_assignments():
                raise ValueError(f"{path.name}: [{section}.{name}]: unknown assignment (the course has {', '.join(course_assignments())})")
    for name, table in data.get("assignments", {}).items():
        assignments[name] = _policy(name, table, path)
    for name, table in data.get("extensions", {}).items():
        if not isinstance(table, dict):
            raise ValueError(f"{path.name}: [extensions.{name}] must be a table of student = \"deadline\"")
        extensions[name] = {str(s): parse_time(t, f"{path.name}: [extensions.{name}] {s}") for s, t in table.items()}
    return Course(assignments, extensions, path)


def lateness(course, assignment, student, submitted):
    """How late ``student``'s submission of ``assignment`` at ``submitted`` (aware datetime) is."""
    policy = course.policy(assignment)
    deadline = course.deadline(assignment, student)
    if deadline is None or submitted is None:
        return Lateness(False, timedelta(0), 0.0, deadline)
    if submitted.tzinfo is None:
        submitted = submitted.replace(tzinfo=timezone.utc)
    late_by = submitted - deadline
    if late_by <= timedelta(minutes=policy.grace_minutes):
        return Lateness(False, timedelta(0), 0.0, deadline)
    if policy.late_policy == "zero":
        penalty = 100.0
    elif policy.late_policy in ("per_day", "per_hour"):
        unit = timedelta(days=1) if policy.late_policy == "per_day" else timedelta(hours=1)
        started = math.ceil(late_by / unit)
        penalty = min(policy.late_cap, policy.late_penalty * started)
    else:
        penalty = 0.0
    return Lateness(True, late_by, penalty, deadline)


def apply_penalty(score, penalty_percent):
    """The score left after taking ``penalty_percent`` percent of it (rounded to 1/100 point)."""
    return round(score * (1 - penalty_percent / 100), 2)


def submitted_time(entry):
    """(aware datetime or None, where it came from) of one manifest entry."""
    if entry.get("submitted"):
        try:
            return parse_time(entry["submitted"], "submitted"), entry.get("submitted_from") or "manifest"
        except ValueError:
            pass
    if entry.get("collected"):
        try:
            return datetime.strptime(entry["collected"], COLLECTED_FORMAT).replace(tzinfo=timezone.utc), "collect time"
        except ValueError:
            pass
    return None, "unknown"


def format_delay(delta):
    """'2 days 3 h 5 min', '40 min', '12 s'."""
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} h")
    if minutes and not days:
        parts.append(f"{minutes} min")
    if not parts:
        parts.append(f"{seconds} s")
    return " ".join(parts)


def class_lateness(workdir, assignment, course=None):
    """{student: (Lateness, submitted datetime or None, source)} for every collected student."""
    from .collect import load_manifest

    course = load_course() if course is None else course
    students = load_manifest(workdir, assignment)["students"]
    result = {}
    for student, entry in sorted(students.items()):
        when, source = submitted_time(entry)
        result[student] = (lateness(course, assignment, student, when), when, source)
    return result


def late_lines(workdir, assignment, course=None):
    """Lines naming the late submissions of ``assignment`` (for `collect` to print).

    ``late: s1234  submitted 2026-03-05 14:00 UTC (timestamp.txt), 1 day 2 h late, penalty 20%``.
    Empty when nobody is late or the assignment has no due date.
    """
    lines = []
    for student, (late, when, source) in class_lateness(workdir, assignment, course).items():
        if late.late:
            shown = when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
            lines.append(f"late: {student:20} submitted {shown} ({source}), {late.describe()}")
    return lines
