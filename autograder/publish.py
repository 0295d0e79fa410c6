"""`publish`: the public site in one folder, the built book plus the student notebooks, checked.

    python -m autograder publish [--book _build/html] [--into _build/public]

Copies the built book (``make book`` makes it) and exercises/ into one folder, then reads
every file of that folder and refuses to publish (deleting the folder, exit status 1) if it
finds anything of the instructor's: a copy of any file of solutions/, a line of a solution
or of a hidden test that only solutions/ holds, nbgrader's solution or hidden-test markers,
or a grading file (gradebook, seed key). Every edition of the exercises is published and
checked alike: the translated notebooks (``exercises/<language>/``) are copied with the rest,
and the hidden tests' lines are protected in every language they are written in.
The public repository or web site gets this folder and nothing else; solutions/ stays in the
instructor's private repository.
"""

import hashlib
import re
import shutil
from pathlib import Path

import nbformat

from .config import REPO_ROOT, RELEASE_DIRECTORY, SOURCE_DIRECTORY

REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.DOTALL)
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
MIN_LINE = 13  # shorter lines ("return dx", "N, C, H, W = x.shape") also occur in the book's own prose and code


# What the public site is made of: the book's sources, the library it runs, the exercises.
PUBLIC_SOURCES = ("book", "lib", RELEASE_DIRECTORY, "locales")
TEXT_SUFFIXES = {".py", ".md", ".ipynb", ".txt", ".po"}
# The book's editions besides English, each a folder of the built book (book/_ext/editions.py).
EDITIONS = ("ko",)


def _public_text(root):
    """All text of the public sources the site is built from."""
    paths = [p for folder in PUBLIC_SOURCES for p in sorted((Path(root) / folder).rglob("*"))]
    paths += sorted(Path(root).glob("*.md"))
    return "\n".join(p.read_text(errors="replace") for p in paths if p.suffix in TEXT_SUFFIXES and p.is_file())


def protected(root=REPO_ROOT):
    """(sha256 of every file of solutions/, the lines that only solutions/ holds).

    A line counts when it is in a solution or hidden-test region and appears nowhere in the
    sources the site is built from (book/, lib/, exercises/, the top-level Markdown files): a
    line the book itself teaches (say, the reshape at the end of a convolution's forward pass)
    is no secret.
    """
    from . import editions

    hashes, lines = set(), set()
    for path in sorted((Path(root) / SOURCE_DIRECTORY).rglob("*")):
        if not path.is_file():
            continue
        hashes.add(hashlib.sha256(path.read_bytes()).hexdigest())
        if path.suffix == ".ipynb":
            source = nbformat.read(path, as_version=4)
            versions = [source]
            if path.stem == path.parent.name:  # an assignment's notebook: its hidden tests in every language
                for language in editions.editions(path.stem, root)[1:]:
                    versions.append(editions.translate(source, editions.load_translations(path.stem, language, root), language))
            for notebook in versions:
                for cell in notebook.cells:
                    for _, region in REGION.findall(cell.source):
                        lines |= {line.strip() for line in region.splitlines() if len(line.strip()) >= MIN_LINE}
    public = _public_text(root)
    return hashes, {line for line in lines if line not in public}


def leaks(site, root=REPO_ROOT):
    """Everything in ``site`` that must not be public, as readable findings."""
    hashes, lines = protected(root)
    findings = []
    for path in sorted(Path(site).rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        where = path.relative_to(site)
        if hashlib.sha256(data).hexdigest() in hashes:
            findings.append(f"{where}: a copy of a file of {SOURCE_DIRECTORY}/")
        text = data.decode("utf-8", errors="replace")
        # Notebooks and HTML escape quotes and angle brackets; compare with them undone too.
        plain = text.replace('\\"', '"').replace("&quot;", '"').replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        for marker in MARKERS:
            if marker in plain:
                findings.append(f"{where}: contains {marker!r}")
        findings += [f"{where}: contains the protected line {line!r}" for line in sorted(lines) if line in plain]
        if path.name == "secret.key" or path.name == "gradebook.db":
            findings.append(f"{where}: a grading file")
    return findings


def publish(book, into, root=REPO_ROOT):
    """Build the site in ``into``; returns the leaks found (the folder is deleted if any)."""
    book, into = Path(book), Path(into)
    if not (book / "index.html").is_file():
        raise ValueError(f"{book} holds no built book (index.html): run `make book` first")
    # Both editions: the Korean one is a folder of the book (ko/), copied and checked with it.
    for language in EDITIONS:
        if not (book / language / "index.html").is_file():
            raise ValueError(f"{book} holds no {language} edition ({language}/index.html): run `make book` first")
    from . import editions
    from .config import assignments

    missing = [
        str(editions.release_path(name, language, root).relative_to(root))
        for name in assignments(root)
        for language in editions.editions(name, root)
        if not editions.release_path(name, language, root).is_file()
    ]
    if missing:
        raise ValueError(f"{', '.join(missing)} missing: run `python -m autograder release`")
    if into.exists():
        shutil.rmtree(into)
    shutil.copytree(book, into)
    shutil.copytree(Path(root) / RELEASE_DIRECTORY, into / RELEASE_DIRECTORY, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    found = leaks(into, root)
    if found:
        shutil.rmtree(into)
    return found


def main(args):
    found = publish(args.book, args.into)
    if found:
        print("NOT published: the site would reveal", *found, sep="\n  ")
        return 1
    print(f"the public site (book and student notebooks) is in {Path(args.into).resolve()}")
    return 0
