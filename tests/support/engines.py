"""The engines the portal is built with in the tests (conftest.py's `engine_build`).

Every built-site test that takes `engine_site` runs on both builds. None needs skipping under
Zensical today; what Zensical cannot do (README.md, « Moteurs de construction ») lies outside
those tests: the preview, warnings in strict mode, frozen versions."""

ENGINES = ("mkdocs", "zensical")
