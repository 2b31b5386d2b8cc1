"""``python -m wherry`` and the ``wherry`` console script."""

from __future__ import annotations

import sys

from wherry.cli import main as _main


def main() -> None:
    sys.exit(_main(sys.argv[1:]))


if __name__ == "__main__":
    main()
