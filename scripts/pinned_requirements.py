"""Print the pinned dependencies of pyproject.toml (runtime and dev), one per line.

`make lock` installs them into a scratch venv and freezes the result: the
project itself is not an installable package, so pip cannot resolve `.[dev]`.
"""

import tomllib
from pathlib import Path

project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
for requirement in project["dependencies"] + project["optional-dependencies"]["dev"]:
    print(requirement)
