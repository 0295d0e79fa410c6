"""nbgrader's configuration for this course: formgrader and `nbgrader ...` commands read it.

The course layout is autograder/config.py's: source notebooks in solutions/, the release in
exercises/, and everything grading produces (submissions, graded copies, feedback, the
gradebook) in the working folder grading/ (or $AUTOGRADER_WORKDIR). Grade with
`python -m autograder grade`, which runs student code in a sandbox; formgrader is for looking
at the results and for manual grading (its "autograde" button runs nbgrader's own, unsandboxed
autograder: do not use it on students' code).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # autograder/, next to this file

from autograder.config import Workdir  # noqa: E402

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
c.merge(Workdir().nbgrader_config())
# nbgrader stops a cell after 30 s by default; convnet's training cell needs up to 3 minutes
# (validation in JupyterLab and `nbgrader validate` run the whole notebook).
c.Execute.timeout = 300
