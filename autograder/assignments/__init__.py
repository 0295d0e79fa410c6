"""The grader's side of each assignment: one module per assignment, each defining ``SPEC``.

A module holds what cannot live in the notebook itself: the hidden tests' random inputs,
how to call the student's functions on them, what the reference library answers, and
which parts of the reference library the assignment forbids. See GRADING_STYLE.md.
"""
