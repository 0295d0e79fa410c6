# Two commands on a fresh machine (see README.md):
#   make book   build the online book and open it (the main job)
#   make test   run the whole test suite (what CI runs)
#   make student  a student's JupyterLab (Validate, no instructor tools) in .venv-student
# Each target creates or updates the local virtual environment .venv itself.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BOOK_INDEX := $(CURDIR)/_build/html/index.html

.PHONY: setup setup-book student test book train bench release publish chromium bubblewrap postgresql clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per set of extras: reinstalled whenever pyproject.toml changes.
$(VENV)/.stamp-%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$*]"
	touch $@

setup: $(VENV)/.stamp-dev chromium bubblewrap postgresql

setup-book: $(VENV)/.stamp-book

# A student's computer: a separate environment .venv-student with JupyterLab, nbgrader's
# Validate button and none of the instructor's nbgrader tools (autograder/student_env.py).
# Then: .venv-student/bin/jupyter lab
STUDENT_VENV := .venv-student
student: $(STUDENT_VENV)/.stamp-student

$(STUDENT_VENV)/.stamp-student: pyproject.toml autograder/student_env.py
	test -x $(STUDENT_VENV)/bin/python || $(PYTHON) -m venv $(STUDENT_VENV)
	$(STUDENT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(STUDENT_VENV)/bin/python -m pip install --quiet -e ".[student]"
	$(STUDENT_VENV)/bin/python -m autograder.student_env
	touch $@
	@echo "Start JupyterLab with: $(STUDENT_VENV)/bin/jupyter lab"

# Browser tests drive Debian's Chromium (never a browser downloaded at run time); a Hangul
# font lets the screenshots show the Korean terms.
chromium:
	@{ command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto.*cjk"; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# Grading runs each student's notebook inside a bubblewrap sandbox.
bubblewrap:
	@command -v bwrap >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq bubblewrap >/dev/null; }

# The tests of a PostgreSQL gradebook start their own server (initdb + pg_ctl in a temporary
# folder); Debian puts those programs in /usr/lib/postgresql/<version>/bin.
postgresql:
	@{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq postgresql >/dev/null; }

test: setup
	$(BIN)/python -m pytest

# English at _build/html/ (as `jupyter-book build . -W -n --keep-going` makes it), then the
# Korean edition (한국어판) at _build/html/ko/: the same executed notebooks (shared cache),
# prose from locales/ko; both in one process (book/_ext/editions.py).
book: setup-book
	$(BIN)/python book/_ext/editions.py book
	@echo "The book: file://$(BOOK_INDEX)"
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] || [ "$$(uname)" = Darwin ]; then \
	  $(BIN)/python -m webbrowser -t "file://$(BOOK_INDEX)" >/dev/null 2>&1 || true; fi

train: $(VENV)/.stamp-mnist5k
	$(BIN)/python -m scratchcnn train

# Regenerate the student notebooks exercises/ from solutions/ (commit both).
release: $(VENV)/.stamp-grading
	$(BIN)/python -m autograder release

# The public site: the built book plus the student notebooks, checked for leaked answers.
publish: book
	$(BIN)/python -m autograder publish

bench: $(VENV)/.stamp-dev
	$(BIN)/python bench/run.py

clean:
	rm -rf _build
