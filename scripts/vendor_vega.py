"""Copy Vega, Vega-Lite and Vega-Embed into the site's assets (`make vendor-vega`).

The versions are pinned in vendor/vega/package.json and package-lock.json (with
integrity hashes); `npm ci` installs exactly those, and the minified UMD builds are
copied to overrides/assets/vega/ with their licences and a SHA256SUMS manifest. The
copies are committed, so a build never needs the network: run this again only to
change versions (keep them equal to the ones vl-convert-python bundles).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ROOT / "vendor" / "vega"
TARGET = ROOT / "overrides" / "assets" / "vega"
BUILDS = {"vega": "vega.min.js", "vega-lite": "vega-lite.min.js",
          "vega-embed": "vega-embed.min.js"}
# The source maps are not shipped: a browser would ask for them and get a 404.
_SOURCE_MAP = re.compile(rb"\n?//# sourceMappingURL=\S+\s*$")


def manifest_line(name: str, data: bytes) -> str:
    return f"{hashlib.sha256(data).hexdigest()}  {name}"


def main() -> int:
    subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                   cwd=PACKAGES, check=True)
    TARGET.mkdir(parents=True, exist_ok=True)
    lines = []
    for package, build in BUILDS.items():
        folder = PACKAGES / "node_modules" / package
        version = json.loads((folder / "package.json").read_text())["version"]
        data = _SOURCE_MAP.sub(b"\n", (folder / "build" / build).read_bytes())
        (TARGET / build).write_bytes(data)
        shutil.copyfile(folder / "LICENSE", TARGET / f"LICENSE-{package}.txt")
        lines.append(manifest_line(build, data) + f"  {package}@{version}")
    (TARGET / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
