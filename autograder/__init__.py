"""The course's grader: nbgrader's workflow, with the verdict computed where students cannot reach.

``python -m autograder`` releases the exercises, collects and grades submissions, writes
feedback and exports grades (see :mod:`autograder.cli`). Grading a notebook:

1. :mod:`~autograder.submission` reads the submitted file without trusting it;
2. :mod:`~autograder.reconstruct` rebuilds the notebook from the instructor's cells with the
   student's answers filled in (edited or deleted test cells change nothing);
3. :mod:`~autograder.static` reads the student's code for forbidden use of the reference;
4. :mod:`~autograder.sandbox` runs it in a sandbox (:mod:`~autograder.runner` inside), where
   the checks of :mod:`~autograder.notebook` only record the student's values;
5. :mod:`~autograder.verdict` decides every test cell in the grader's own process, comparing
   the records with the test cells' literals and with ``scratchcnn`` on secret inputs
   (:mod:`~autograder.probes`, and each assignment's ``solutions/<A>/grading.py``);
6. :mod:`~autograder.gradebook` writes the scores into nbgrader's gradebook, keeping manual
   grades, so that formgrader works as usual.

Every exercise also exists in Korean, translated from the same source by a catalog beside it
(:mod:`~autograder.editions`); the checks and the verdicts speak the notebook's language
(:mod:`~autograder.messages`), and both editions are graded alike.

Importing this package imports nothing heavy: the sandbox imports
:mod:`autograder.notebook` in every student process.
"""
