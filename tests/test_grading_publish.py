"""autograder.publish: the public site holds the book and the exercises, and nothing of solutions/."""

import shutil

import pytest

from autograder.config import REPO_ROOT
from book_support.build import HTML
from autograder.publish import leaks, publish


@pytest.fixture
def book(tmp_path):
    folder = tmp_path / "html"
    (folder / "_sources").mkdir(parents=True)
    (folder / "ko").mkdir()
    (folder / "index.html").write_text("<html><body>The course</body></html>")
    (folder / "ko" / "index.html").write_text("<html><body>한국어판</body></html>")
    return folder


def test_the_site_holds_the_book_and_the_student_notebooks(book, tmp_path):
    assert publish(book, tmp_path / "site") == []
    site = tmp_path / "site"
    assert (site / "index.html").is_file()
    released = sorted(p.relative_to(REPO_ROOT / "exercises") for p in (REPO_ROOT / "exercises").rglob("*.ipynb"))
    assert released and sorted(p.relative_to(site / "exercises") for p in (site / "exercises").rglob("*.ipynb")) == released


@pytest.mark.parametrize(
    "name, content, finding",
    [
        ("toyConv.ipynb", (REPO_ROOT / "solutions/toyConv/toyConv.ipynb").read_bytes(), "a copy of a file of solutions/"),
        ("page.html", b"<pre>hidden_tests(&quot;toyConv&quot;, &quot;conv_forward&quot;, conv_forward=conv_forward)</pre>",
         "contains the protected line 'hidden_tests(\"toyConv\", \"conv_forward\", conv_forward=conv_forward)'"),
        ("page2.html", b"<pre>    dW = (col.T @ dout).T.reshape(FN, C, FH, FW)</pre>", "contains the protected line 'dW = (col.T @ dout)"),
        ("notes.md", b"### BEGIN SOLUTION", "contains '### BEGIN SOLUTION'"),
    ],
)
def test_anything_of_the_instructors_stops_the_publication(book, tmp_path, name, content, finding):
    (book / "_sources" / name).write_bytes(content)
    found = publish(book, tmp_path / "site")
    assert any(finding in line for line in found), found
    assert not (tmp_path / "site").exists()


def test_a_missing_book_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="run `make book` first"):
        publish(tmp_path / "nothing", tmp_path / "site")


def test_the_built_book_reveals_nothing(book_build, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(HTML, site)
    assert leaks(site) == []


def test_a_book_without_its_korean_edition_is_an_error(book, tmp_path):
    shutil.rmtree(book / "ko")
    with pytest.raises(ValueError, match="holds no ko edition"):
        publish(book, tmp_path / "site")
