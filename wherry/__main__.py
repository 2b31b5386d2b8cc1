"""``python -m wherry`` and the ``wherry`` console script."""

from __future__ import annotations

import os
import sys

from wherry.cli import main as _main


def main() -> None:
    try:
        code = _main(sys.argv[1:])
        sys.stdout.flush()
    except BrokenPipeError:
        # `wherry list | head`: the reader has what it wanted. Point stdout at /dev/null so the
        # flush at exit cannot fail again, and end quietly (Python docs, "Note on SIGPIPE").
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    sys.exit(code)


if __name__ == "__main__":
    main()
