"""The bundle's entry point: the same as the ``wherry`` console script."""

from wherry.__main__ import main

main()
