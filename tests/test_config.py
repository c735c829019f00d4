"""The portal's configuration (common/config.py): mkdocs.yml read as MkDocs reads it
(`!ENV`, `INHERIT`), the line of each key, and every value with its default in one place."""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
import textwrap

import pytest
import yaml
from mkdocs.config import load_config
from mkdocs.utils.yaml import yaml_load

from common.config import (
    InheritError,
    PortalConfig,
    YamlDoc,
    key_line,
    load_doc,
    portal_environ,
    read_mkdocs_yml,
)
from support.sites import ROOT


@pytest.fixture(autouse=True)
def no_portal_variables(monkeypatch):
    """The repository's defaults, whatever the environment of the test run."""
    for name in [n for n in __import__("os").environ if n.startswith("PORTAL_")]:
        monkeypatch.delenv(name)


def line_of(path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.lstrip().startswith(text))


def mkdocs_reads(path) -> dict:
    with open(path, "rb") as handle:
        return yaml_load(handle)


# -- Defaults and values ----------------------------------------------------------------

def test_defaults_when_mkdocs_yml_says_nothing(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: Essai\n", encoding="utf-8")
    config = PortalConfig.read(tmp_path / "mkdocs.yml")
    assert config.site_name == "Essai"
    assert config.root == tmp_path.resolve()
    assert config.docs_dir == tmp_path.resolve() / "docs"
    assert config.bib_dir == tmp_path.resolve() / "bibliography"
    assert config.petition_file == tmp_path.resolve() / "data" / "petition.yml"
    assert config.mirrors_file == tmp_path.resolve() / "data" / "miroirs.yml"
    assert (config.petition_page, config.redirects_data) == ("agir/petition.md",
                                                             "data/redirections.yml")
    assert config.dossiers == () and config.legal == {} and config.accessibility == {}
    assert (config.history_uri, config.versions_file, config.site_url) == ("", "", "")
    assert config.contact is None and not config.contact_given
    assert config.build is None and config.version is None


def test_values_of_the_portal():
    config = PortalConfig.read(ROOT / "mkdocs.yml")
    # Each dossier a folder of docs/ with its index (whatever the campaign).
    assert config.dossiers and all((ROOT / "docs" / d / "index.md").is_file()
                                   for d in config.dossiers)
    assert config.bib_dir == ROOT / "bibliography"
    assert config.history_uri == "-/commits/main/docs/"
    assert config.petition_data == "data/petition.yml"
    assert config.petition_page == "agir/petition.md"
    assert [link["name"] for link in config.share_links] == ["Bluesky", "Facebook"]
    assert config.contact_given and config.contact["email"] == "contact@example.org"
    assert config.build == "local" and config.versions_file == ""
    assert set(config.legal) == {"publisher", "publisher_address", "publisher_contact",
                                 "director", "host", "host_address", "host_contact"}
    assert config.accessibility == {"status": "non conforme"}
    # The repository's default address is an example one, refused at publication.
    assert config.site_url.startswith("https://") and config.site_url.endswith(
        ".example.org/")


def test_the_same_values_from_mkdocs_loaded_config():
    """The build (a config MkDocs loaded) and the scripts (the file) see the same values."""
    loaded = PortalConfig.from_mkdocs(load_config(str(ROOT / "mkdocs.yml")))
    read = PortalConfig.read(ROOT / "mkdocs.yml")
    # MkDocs turns not_in_nav into a matcher: the text is compared in the file.
    assert dataclasses.replace(loaded, not_in_nav=None) == \
        dataclasses.replace(read, not_in_nav=None)
    assert "/agir/*.md" in read.not_in_nav


def test_site_url_ends_with_a_slash_as_mkdocs_makes_it(tmp_path):
    path = tmp_path / "mkdocs.yml"
    path.write_text("site_name: x\nsite_url: https://x.org/portail\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    assert PortalConfig.read(path).site_url == "https://x.org/portail/"
    assert load_config(str(path)).site_url == "https://x.org/portail/"


def test_reads_mkdocs_yml_as_mkdocs_does():
    assert read_mkdocs_yml(ROOT / "mkdocs.yml").data == mkdocs_reads(ROOT / "mkdocs.yml")


# -- !ENV ---------------------------------------------------------------------------------

ENV_FILE = """\
site_url: !ENV [PORTAL_T_URL, "https://defaut.example.org/"]
first: !ENV [PORTAL_T_A, PORTAL_T_B, "défaut"]
bare: !ENV PORTAL_T_BARE
typed: !ENV [PORTAL_T_FLAG, false]
"""


@pytest.mark.parametrize("variables, expected", [
    ({}, {"site_url": "https://defaut.example.org/", "first": "défaut", "bare": None,
          "typed": False}),
    ({"PORTAL_T_URL": "https://vrai.org/", "PORTAL_T_B": "b", "PORTAL_T_BARE": "x",
      "PORTAL_T_FLAG": "true"},
     {"site_url": "https://vrai.org/", "first": "b", "bare": "x", "typed": True}),
    # Set but empty is set: MkDocs takes the empty value (YAML's null), not the default.
    ({"PORTAL_T_URL": "", "PORTAL_T_A": "a", "PORTAL_T_B": "b"},
     {"site_url": None, "first": "a", "bare": None, "typed": False}),
])
def test_env_tag_with_and_without_the_variable(tmp_path, monkeypatch, variables, expected):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "mkdocs.yml"
    path.write_text(ENV_FILE, encoding="utf-8")
    assert read_mkdocs_yml(path).data == expected == mkdocs_reads(path)
    # The portal's own reading: an empty PORTAL_* variable counts as unset, as in the build
    # (scripts/build.py hands the engines the environment without it).
    unset = variables.get("PORTAL_T_URL") == ""
    assert PortalConfig.read(path).site_url == (
        "https://defaut.example.org/" if unset else expected["site_url"] or "")


def test_one_rule_for_empty_portal_variables(tmp_path):
    environ = {"PORTAL_SERVICE_URL": "  ", "PORTAL_SERVED_SITE_DIR": "/srv/site",
               "PORTAL_T_URL": "", "HOME": "", "OTHER": "x"}
    assert portal_environ(environ) == {"PORTAL_SERVED_SITE_DIR": "/srv/site", "HOME": "",
                                       "OTHER": "x"}
    path = tmp_path / "mkdocs.yml"
    path.write_text(ENV_FILE, encoding="utf-8")
    config = PortalConfig.read(path, environ)
    assert (config.site_url, config.service_url, config.served_site_dir) == (
        "https://defaut.example.org/", "", "/srv/site")
    config = PortalConfig.from_mkdocs({"config_file_path": str(path)},
                                      {"PORTAL_SERVICE_URL": "http://127.0.0.1:8001/"})
    assert (config.service_url, config.served_site_dir) == ("http://127.0.0.1:8001/", "")


def test_env_tag_sets_the_portal_values(monkeypatch):
    monkeypatch.setenv("PORTAL_SITE_URL", "https://portail.org/")
    monkeypatch.setenv("PORTAL_BUILD", "publish")
    monkeypatch.setenv("PORTAL_PUBLISHER", "Association X")
    config = PortalConfig.read(ROOT / "mkdocs.yml")
    assert (config.site_url, config.build, config.legal["publisher"]) == (
        "https://portail.org/", "publish", "Association X")


# -- INHERIT ------------------------------------------------------------------------------

PARENT = """\
site_name: Parent
nav:
  - Accueil: index.md
  - Sources: sources.md
extra:
  dossiers:
    - enquetes
  bibliography_dir: biblio
  legal:
    publisher: Parent
    host: Hébergeur
"""
CHILD = """\
INHERIT: ../parent/mkdocs.yml
nav:
  - Accueil: index.md
extra:
  legal:
    publisher: !ENV [PORTAL_T_PUBLISHER, Enfant]
"""


@pytest.fixture
def inherited(tmp_path):
    (tmp_path / "parent").mkdir()
    (tmp_path / "child").mkdir()
    (tmp_path / "parent" / "mkdocs.yml").write_text(PARENT, encoding="utf-8")
    (tmp_path / "child" / "mkdocs.yml").write_text(CHILD, encoding="utf-8")
    return tmp_path / "child" / "mkdocs.yml"


def test_inherit_is_merged_as_mkdocs_merges_it(inherited):
    data = read_mkdocs_yml(inherited).data
    assert data == mkdocs_reads(inherited)
    assert data["nav"] == [{"Accueil": "index.md"}]  # lists are replaced
    assert data["extra"]["legal"] == {"publisher": "Enfant", "host": "Hébergeur"}  # merged
    config = PortalConfig.read(inherited)
    assert config.site_name == "Parent" and config.dossiers == ("enquetes",)
    assert config.bib_dir == inherited.parent.resolve() / "biblio"  # the child's folder


def test_inherit_lines_name_the_file_that_writes_the_key(inherited, tmp_path):
    written = read_mkdocs_yml(inherited)
    parent = tmp_path / "parent" / "mkdocs.yml"
    assert written.where("extra", "legal", "publisher") == ("mkdocs.yml", 6)
    assert written.where("nav") == ("mkdocs.yml", 2)
    assert written.where("extra", "legal", "host") == (
        parent.resolve().as_posix(), line_of(parent, "host:"))
    assert written.where("extra", "bibliography_dir") == (
        parent.resolve().as_posix(), line_of(parent, "bibliography_dir:"))
    assert written.where("extra", "nowhere") == ("mkdocs.yml", None)


def test_inherit_of_a_missing_file_is_refused(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("INHERIT: absent.yml\n", encoding="utf-8")
    with pytest.raises(InheritError, match=r"fichier hérité introuvable : « absent\.yml »"):
        read_mkdocs_yml(tmp_path / "mkdocs.yml")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nINHERIT: ./mkdocs.yml\n")
    with pytest.raises(InheritError, match="fichier hérité en boucle") as caught:
        read_mkdocs_yml(tmp_path / "mkdocs.yml")
    assert caught.value.line == 2


# -- Lines of keys ------------------------------------------------------------------------

@pytest.mark.parametrize("keys, start", [
    (("site_url",), "site_url:"),
    (("extra", "contact", "email"), "email: !ENV [PORTAL_CONTACT_EMAIL"),
    (("extra", "legal", "host_contact"), "host_contact:"),
    (("extra", "accessibility", "status"), "status:"),
])
def test_line_of_each_key(keys, start):
    line = line_of(ROOT / "mkdocs.yml", start)
    assert read_mkdocs_yml(ROOT / "mkdocs.yml").where(*keys) == ("mkdocs.yml", line)
    assert key_line(ROOT / "mkdocs.yml", *keys) == line


def test_key_line_of_other_yaml_files(tmp_path):
    path = tmp_path / "petition.yml"
    path.write_text("title: T\nservice:\n  link_days: 3\n  url: https://x.org/\n",
                    encoding="utf-8")
    assert key_line(path, "service", "url") == 4
    assert key_line(path, "service", "absent") is None
    assert key_line(tmp_path / "absent.yml", "title") is None
    path.write_text("title: [\n", encoding="utf-8")
    assert key_line(path, "title") is None


def test_find_is_exact_and_line_falls_back_to_the_parent():
    doc = load_doc(textwrap.dedent("""\
        a:
          b:
            - x
            - y
        """), first_line=2)
    assert isinstance(doc, YamlDoc) and doc.data == {"a": {"b": ["x", "y"]}}
    assert doc.find("a", "b", 1) == doc.line("a", "b", 1) == 5
    assert doc.find("a", "c") is None and doc.line("a", "c") == 2
    assert doc.find() == 2


def test_syntax_error_is_a_yaml_error(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: [\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError):
        read_mkdocs_yml(tmp_path / "mkdocs.yml")


# -- One place, read without the macros package ----------------------------------------------

def test_the_service_reads_the_configuration_without_the_macros_package():
    code = ("import sys, service.settings as s, service.markup; "
            "assert s.portal_address().startswith('https://'); "
            "assert not [m for m in sys.modules if m.split('.')[0] in ('macros', 'mkdocs')], "
            "sorted(sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_the_defaults_are_written_once():
    """The data files' paths appear in the code of macros/, scripts/ and service/ only in
    common/config.py."""
    literals = ('"data/petition.yml"', '"data/miroirs.yml"', '"data/redirections.yml"',
                '"data/destinataires.yml"', '"data/partenaires.yml"',
                '"bibliography"', '"bibliography_dir"', '"history_uri"', '"versions_file"')
    found = []
    for folder in ("common", "macros", "scripts", "service", "linkcheck"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "common" / "config.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and f'"{node.value}"' in literals:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value}")
    assert not found, found


def test_no_script_edits_sys_path():
    """scripts/ and bench/ run as modules from the project root: none edits sys.path."""
    edits = []
    for folder in ("scripts", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr == "path" \
                        and isinstance(node.value, ast.Name) and node.value.id == "sys":
                    edits.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not edits, edits


def test_line_of_a_nav_entry_in_the_file_that_gives_nav(inherited, tmp_path):
    written = read_mkdocs_yml(inherited)
    assert written.value_where("index.md", "nav") == ("mkdocs.yml", 3)
    assert written.value_where("sources.md", "nav") == ("mkdocs.yml", None)  # replaced
    parent = read_mkdocs_yml(tmp_path / "parent" / "mkdocs.yml")
    assert parent.value_where("sources.md", "nav") == ("mkdocs.yml", 4)


def test_every_portal_variable_follows_the_rule(monkeypatch, tmp_path):
    """PORTAL_PUBLISH_SSH and PORTAL_SERVICE_URL, read by the scripts, follow the one rule:
    set but empty is unset (an empty ssh command would fail in the middle of a publication)."""
    from scripts.publish import ssh_command

    monkeypatch.setenv("PORTAL_PUBLISH_SSH", "")
    assert ssh_command() == ["ssh"]
    monkeypatch.setenv("PORTAL_PUBLISH_SSH", "ssh -p 2222")
    assert ssh_command() == ["ssh", "-p", "2222"]
    assert PortalConfig.from_mkdocs({}, {"PORTAL_SERVICE_URL": " "}).service_url == ""
