"""Wherry's test suite; a package so that `tests.helpers` imports the same way everywhere."""
