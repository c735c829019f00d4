"""Check that YAML files parse (pre-commit). MkDocs tags such as `!ENV` are accepted."""

from __future__ import annotations

import sys

import yaml

from macros.floor.yamldata import syntax_problem  # the portal’s French messages


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def main(paths: list[str]) -> int:
    failed = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                yaml.load(handle, Loader=_Loader)
        except yaml.YAMLError as error:
            print(syntax_problem(error, path))
            failed += 1
        except UnicodeDecodeError:
            print(f"{path}: fichier illisible, pas en UTF-8 — enregistrez-le en UTF-8")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
