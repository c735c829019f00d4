"""Loggers of the portal.

`log` lives under "mkdocs.plugins." so that MkDocs prints it and `--strict`
counts its warnings. `advisory` is for notices that must be seen but must not
fail a strict build (e.g. sources cited nowhere).
"""

import logging

log = logging.getLogger("mkdocs.plugins.portal")

advisory = logging.getLogger("portal.advisory")
if not advisory.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("WARNING -  [portal] %(message)s"))
    advisory.addHandler(_handler)
    advisory.setLevel(logging.INFO)
    advisory.propagate = False
