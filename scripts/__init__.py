"""Commands of the portal, run as modules from the project root (`python -m scripts.build`),
as the Makefile runs them: the root is then importable, no script edits `sys.path`."""
