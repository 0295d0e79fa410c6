"""``python -m scratchcnn``: the command line (see :mod:`scratchcnn.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
