"""Test helpers shared by the engine, Qt and end-to-end tests."""
