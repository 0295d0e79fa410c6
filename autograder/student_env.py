"""Turn an environment with ``scratchcnn[student]`` into a student's JupyterLab.

    python -m autograder.student_env          (``make student`` runs it in .venv-student)

nbgrader ships the student's tool, the **Validate** button, in the same package as the
instructor's: formgrader, the "Create Assignment" cell toolbar, the course list and the
assignment list (nbgrader's exchange, which this course does not use). This command switches
the instructor's parts off *in this environment only* (``--sys-prefix``: the configuration is
written under the environment's own ``etc/jupyter``, never in the user's home folder, so an
instructor's environment on the same computer keeps them), the documented way:

* the JupyterLab plugins, with ``jupyter labextension disable --level=sys_prefix`` and
  ``jupyter labextension lock`` (``etc/jupyter/labconfig/page_config.json``);
* the server extensions behind them, with ``jupyter server extension disable --sys-prefix``
  (``etc/jupyter/jupyter_server_config.d``).

It also gives ``nbgrader validate`` (the Validate button) the course's cell time limit: convnet's
training cell may take 3 minutes, and nbgrader stops a cell after 30 s by default.

``--check`` only reports, and exits with 1 if the environment is not set up so.
"""

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

# nbgrader 0.9's JupyterLab plugins (see nbgrader's installation guide).
STUDENT_PLUGINS = ("@jupyter/nbgrader:validate-assignment",)
INSTRUCTOR_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:assignment-list",
    # The "Nbgrader" menu only opens the four tools above.
    "@jupyter/nbgrader:menu",
)
STUDENT_SERVER_EXTENSIONS = ("nbgrader.server_extensions.validate_assignment",)
INSTRUCTOR_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
    "nbgrader.server_extensions.assignment_list",
)
CELL_TIMEOUT = 300  # seconds; the same as the repository's nbgrader_config.py


def config_dir(prefix=None):
    """The environment's own Jupyter configuration folder, ``<prefix>/etc/jupyter``."""
    return Path(prefix or sys.prefix) / "etc" / "jupyter"


def _script(name):
    """A console script of this environment (bin/ on Linux and macOS, Scripts\\ on Windows)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit(f"{name} is not installed in {sys.prefix}: install scratchcnn[student] first")
    return found


def _run(*command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def disabled_plugins(prefix=None):
    """The JupyterLab plugins disabled in the environment's page_config.json."""
    path = config_dir(prefix) / "labconfig" / "page_config.json"
    if not path.is_file():
        return set()
    disabled = json.loads(path.read_text(encoding="utf-8")).get("disabledExtensions", {})
    return {name for name, off in disabled.items() if off} if isinstance(disabled, dict) else set(disabled)


def server_extensions(prefix=None):
    """{module: enabled} of the server extensions configured in the environment."""
    enabled = {}
    folder = config_dir(prefix)
    files = sorted((folder / "jupyter_server_config.d").glob("*.json")) + [folder / "jupyter_server_config.json"]
    for path in files:  # the order in which jupyter_server reads them: later files win
        if path.is_file():
            settings = json.loads(path.read_text(encoding="utf-8"))
            enabled.update(settings.get("ServerApp", {}).get("jpserver_extensions", {}))
    return enabled


def problems(prefix=None):
    """What is not as a student's environment should be (empty when all is well)."""
    found = []
    disabled = disabled_plugins(prefix)
    found += [f"the instructor's plugin {p} is enabled" for p in INSTRUCTOR_PLUGINS if p not in disabled]
    found += [f"the plugin {p} (the Validate button) is disabled" for p in STUDENT_PLUGINS if p in disabled]
    extensions = server_extensions(prefix)
    found += [f"the server extension {e} is enabled" for e in INSTRUCTOR_SERVER_EXTENSIONS if extensions.get(e)]
    found += [f"the server extension {e} is not enabled" for e in STUDENT_SERVER_EXTENSIONS if not extensions.get(e)]
    return found


def setup():
    """Disable the instructor's nbgrader parts and set validation's cell time limit."""
    labextension = _script("jupyter-labextension")
    _run(labextension, "disable", "--level=sys_prefix", *INSTRUCTOR_PLUGINS)
    # Locked: JupyterLab's plugin manager cannot switch them back on.
    _run(labextension, "lock", "--level=sys_prefix", *INSTRUCTOR_PLUGINS)
    for plugin in STUDENT_PLUGINS:
        _run(labextension, "enable", "--level=sys_prefix", plugin)
    for extension in INSTRUCTOR_SERVER_EXTENSIONS:
        _run(_script("jupyter-server"), "extension", "disable", "--sys-prefix", extension)
    for extension in STUDENT_SERVER_EXTENSIONS:
        _run(_script("jupyter-server"), "extension", "enable", "--sys-prefix", extension)
    # nbgrader reads nbgrader_config.json from every Jupyter configuration folder.
    path = config_dir() / "nbgrader_config.json"
    settings = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    settings.setdefault("Execute", {})["timeout"] = CELL_TIMEOUT
    path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.student_env", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check the environment; exit 1 if it is not set up")
    args = parser.parse_args(argv)
    if not args.check:
        setup()
    found = problems()
    for problem in found:
        print(f"not a student's environment: {problem}", file=sys.stderr)
    if not found and not args.check:
        print(f"JupyterLab in {sys.prefix}: Validate on, the instructor's nbgrader tools off")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
