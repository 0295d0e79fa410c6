"""Read the student's code (never run it) for forbidden use of the reference library.

Two kinds of finding, both computed in the grader's process from the submitted text:

* **forbidden**: the code imports or uses an object the assignment asks the student to
  write (``from scratchcnn.layers import Convolution``, ``scratchcnn.layers.Convolution``,
  ``import scratchcnn as s; s.Convolution``, a subclass of it, ...). The tests that
  :class:`~autograder.probes.Forbidden` lists score 0, with its reason as the comment.
* **suspicious**: constructs that could reach that object, or the grader's helpers, without
  naming them (``__import__``, ``importlib``, ``exec``, ``getattr`` with a computed name,
  ``__subclasses__``, ...). They do not change the score; the notebook is flagged for an
  instructor to look at. At run time the modules that hold forbidden objects are not in the
  sandbox at all (see :mod:`autograder.sandbox`), so no indirect use can work either. Code
  holding Unicode's bidirectional controls is suspicious too ("Trojan Source"): an editor or
  formgrader shows it in another order than Python reads it.
"""

import ast
import functools
import re
import threading
from dataclasses import dataclass, field

from .syntax import parse

# Names whose use in student code makes the grader ask for a human look.
SUSPICIOUS_CALLS = {"__import__", "exec", "eval", "compile", "globals", "vars", "setattr", "delattr"}
SUSPICIOUS_MODULES = {"importlib", "gc", "ctypes", "inspect", "builtins", "autograder", "runpy", "code"}
# Names the test cells rely on: a student's code that rebinds them is trying to tamper.
HELPER_NAMES = {"expect_shape", "expect_close", "expect_error", "hidden_tests", "np", "numpy"}
PATCHABLE_MODULES = {"numpy", "scratchcnn", "autograder"}
SUSPICIOUS_ATTRIBUTES = {
    "__subclasses__",
    "__globals__",
    "__closure__",
    "__code__",
    "__self__",
    "__builtins__",
    "__loader__",
    "__spec__",
    "modules",
}
# Bidirectional embeddings, overrides and isolates: they reorder how code is displayed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# How much of a notebook's code the grader reads here, outside any sandbox and with no time or
# memory limit: far more than any honest notebook holds (an exercise's answers are a few KiB),
# little enough that neither Python's parser (about 500 bytes of memory per byte of source)
# nor IPython's rewriting of magics (it reads the whole cell again for every magic it
# rewrites, and gives up with an error after 500) can stall or exhaust the grader. Code beyond
# it is not read and the notebook goes to an instructor; it still runs, in the sandbox, where
# the forbidden objects are not there at all.
MAX_CODE_BYTES = 256 * 1024  # of a notebook's code, all cells together
MAX_IPYTHON_CELL_BYTES = 16 * 1024  # of one cell that needs IPython's rewriting (a second or so at the most)
MAX_IPYTHON_LINES = 50  # lines of IPython syntax in a notebook
# A line IPython rewrites before Python reads it (counted generously): a magic, a shell or
# help escape at its start (% ! ? , ; /), help at its end (obj?), x = %magic or x = !cmd.
IPYTHON_LINE = re.compile(r"^\s*[%!?,;/]|\?\s*$|=\s*[%!]", re.MULTILINE)


@dataclass
class Findings:
    forbidden: dict = field(default_factory=dict)  # target -> [where]
    suspicious: list = field(default_factory=list)
    syntax_errors: list = field(default_factory=list)


@functools.lru_cache(maxsize=1)
def _transformer():
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def _python(source):
    """``source`` with IPython syntax (magics, ``!shell``) turned into plain Python."""
    return _transformer().transform_cell(source)


def _dotted(node):
    """'a.b.c' for an attribute chain on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


class _Visitor(ast.NodeVisitor):
    def __init__(self, targets, findings):
        self.targets = targets  # dotted target -> short name, e.g. "scratchcnn.layers.Convolution" -> "Convolution"
        self.where = None
        self.findings = findings
        self.modules = {"np": "numpy"}  # local name -> module it is bound to (np: the notebook's first cell)
        self.imported = {}  # local name -> target it is bound to

    def _forbid(self, target, line):
        self.findings.forbidden.setdefault(target, []).append(f"{self.where}, line {line}")

    def _suspect(self, what, line):
        self.findings.suspicious.append(f"{what} ({self.where}, line {line})")

    def _resolve(self, dotted):
        """The full dotted path ``dotted`` refers to, given this cell's imports."""
        head, _, rest = dotted.partition(".")
        if head in self.modules:
            return self.modules[head] + ("." + rest if rest else "")
        if head in self.imported:
            return self.imported[head] + ("." + rest if rest else "")
        return dotted

    def _check_path(self, path, line):
        for target, short in self.targets.items():
            package = target.split(".")[0]
            if path == target or path.startswith(target + ".") or (
                path.startswith(package + ".") and path.rsplit(".", 1)[-1] == short
            ):
                self._forbid(target, line)

    def visit_Import(self, node):
        for alias in node.names:
            root = alias.name.split(".")[0]
            if root in SUSPICIOUS_MODULES:
                self._suspect(f"imports {alias.name}", node.lineno)
            if alias.asname:
                self.modules[alias.asname] = alias.name
            else:
                self.modules[root] = root

    def visit_ImportFrom(self, node):
        module = node.module or ""
        if module.split(".")[0] in SUSPICIOUS_MODULES:
            self._suspect(f"imports from {module}", node.lineno)
        for alias in node.names:
            path = f"{module}.{alias.name}"
            if alias.name == "*":
                for target, short in self.targets.items():
                    if target.startswith(module + "."):
                        self.imported[short] = target
                continue
            self._check_path(path, node.lineno)
            self.imported[alias.asname or alias.name] = path

    def visit_Attribute(self, node):
        if node.attr in SUSPICIOUS_ATTRIBUTES:
            self._suspect(f"uses .{node.attr}", node.lineno)
        dotted = _dotted(node)
        if dotted:
            self._check_path(self._resolve(dotted), node.lineno)
            return  # the chain is checked as a whole
        self.generic_visit(node)

    def visit_Name(self, node):
        if node.id in self.imported:
            self._check_path(self.imported[node.id], node.lineno)

    def _check_binding(self, target, line):
        if isinstance(target, ast.Name) and target.id in HELPER_NAMES:
            self._suspect(f"rebinds {target.id}", line)
        elif isinstance(target, ast.Attribute):
            dotted = _dotted(target)
            if dotted and self._resolve(dotted).split(".")[0] in PATCHABLE_MODULES:
                self._suspect(f"replaces {dotted}", line)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._check_binding(element, line)

    def visit_Assign(self, node):
        for target in node.targets:
            self._check_binding(target, node.lineno)
        self.generic_visit(node)

    def visit_FunctionDef(self, node):
        self._check_binding(ast.Name(node.name), node.lineno)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node):
        if isinstance(node.func, ast.Name):
            name = node.func.id
            if name in SUSPICIOUS_CALLS:
                self._suspect(f"calls {name}()", node.lineno)
            if name == "getattr" and len(node.args) >= 2:
                attribute = node.args[1]
                if not isinstance(attribute, ast.Constant):
                    self._suspect("calls getattr() with a computed name", node.lineno)
                elif attribute.value in self.targets.values():
                    self._suspect(f"calls getattr(..., {attribute.value!r})", node.lineno)
        self.generic_visit(node)


# CPython 3.11's parser keeps its recursion count in global state: two threads parsing at
# once (grade --jobs 2) can fail with "AST constructor recursion depth mismatch".
_PARSING = threading.Lock()


def inspect_code(student_code, forbidden):
    """Findings for ``student_code`` ({label: source}) against the Forbidden list."""
    with _PARSING:
        return _inspect(student_code, forbidden)


def _inspect(student_code, forbidden):
    findings = Findings()
    # One visitor for all cells: they share the notebook's namespace, so an import in one
    # cell binds a name used in the next.
    visitor = _Visitor({rule.target: rule.attribute for rule in forbidden}, findings)
    read = ipython_lines = 0
    for where, source in student_code.items():
        if BIDI_CONTROLS.intersection(source):
            findings.suspicious.append(f"bidirectional control characters, which show the code otherwise than it runs ({where})")
        size = len(source.encode("utf-8", "surrogatepass"))
        read += size
        if read > MAX_CODE_BYTES:
            findings.suspicious.append(
                f"more code than the grader reads ({MAX_CODE_BYTES // 1024} KiB in all): not read from {where} on"
            )
            break
        try:
            # Plain Python first: IPython's rewriting leaves it as it is, and is slow on a large cell.
            tree = parse(source)
        except SyntaxError:
            lines = len(IPYTHON_LINE.findall(source))
            if size > MAX_IPYTHON_CELL_BYTES or ipython_lines + lines > MAX_IPYTHON_LINES:
                findings.suspicious.append(f"more IPython syntax (%magics, !commands) than the grader reads ({where})")
                continue
            ipython_lines += lines
            try:
                tree = parse(_python(source))
            except Exception as error:  # a SyntaxError, or IPython's own limits on hostile text
                findings.syntax_errors.append(f"{where}: {type(error).__name__}")
                continue
        except (ValueError, RecursionError, MemoryError) as error:
            findings.syntax_errors.append(f"{where}: {type(error).__name__}")
            continue
        visitor.where = where
        try:
            visitor.visit(tree)
        except RecursionError:
            findings.suspicious.append(f"code nested too deeply to read ({where})")
    return findings
