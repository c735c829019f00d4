"""The portal's configuration: `mkdocs.yml` read once, the way MkDocs reads it, and every
value the portal takes from it, typed, with its default written here and nowhere else.

- `read_mkdocs_yml(path)`: the one reader of `mkdocs.yml` (`!ENV` resolved as MkDocs
  resolves it, `INHERIT` followed and merged as MkDocs merges it), which also tells on
  which file and line each key is written, for error messages.
- `YamlDoc`: the one way to find the line of a YAML key, for every YAML file of the portal
  (macros/floor/yamldata.py parses the content files into it).
- `PortalConfig`: the values, from a loaded MkDocs config (`from_mkdocs`) or from the file
  (`read`, for `make check`, the scripts and the action service), and the `PORTAL_*`
  variables of the environment, under one rule: an empty variable counts as unset
  (`portal_environ`, also what scripts/build.py hands to the engines).

Standalone on purpose (the standard library and PyYAML, no relative import): the action
service loads this file by its path, without importing the macros package (MkDocs, Altair).
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONFIG_FILE = "mkdocs.yml"
# The files and folders the portal reads, relative to the project root.
BIBLIOGRAPHY_DIR = "bibliography"
PETITION_DATA = "data/petition.yml"
PETITION_PAGE = "agir/petition.md"
MIRRORS_DATA = "data/miroirs.yml"
PARTNERS_DATA = "data/partenaires.yml"
REDIRECTS_DATA = "data/redirections.yml"
ARCHIVES_DATA = "data/archives.yml"   # recorded archived copies (macros/citations/archives.py)
DOCUMENTS_DIR = "documents"           # documents kept by the campaign (macros/citations/kept.py)
RECIPIENTS_DATA = "data/destinataires.yml"
LETTERS_DATA = "data/lettres.yml"     # the letters' fields and labels (macros/action/letters.py)
CHARTS_DIR = "charts"                 # the campaign's chart modules (macros/charts/_registry.py)
# `make new-article`'s sections when `extra.campaign.article_sections` is not written.
ARTICLE_SECTIONS = ("Ce que l’on sait", "Ce qui reste inconnu")

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10x faster

# -- The environment ------------------------------------------------------------------------

ENV_PREFIX = "PORTAL_"
SERVICE_URL_VARIABLE = "PORTAL_SERVICE_URL"      # the local action service (make serve)
SERVED_SITE_DIR_VARIABLE = "PORTAL_SERVED_SITE_DIR"  # the folder the preview serves
SITE_URL_VARIABLE = "PORTAL_SITE_URL"            # `site_url` (mkdocs.yml: !ENV)


def portal_environ(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment (`os.environ` by default) without its empty `PORTAL_*` variables: an
    empty variable counts as unset, whoever reads it (CI systems pass an unset variable as
    ""). The one rule for every `PORTAL_*` variable."""
    return {name: value for name, value in (os.environ if environ is None else environ).items()
            if not (name.startswith(ENV_PREFIX) and not value.strip())}


# -- The line of a YAML key --------------------------------------------------------------

@dataclass
class YamlDoc:
    """A parsed YAML document: its data and its node tree (where each key is written)."""

    data: object
    node: yaml.Node | None
    first_line: int = 1

    def line(self, *path) -> int | None:
        """The line of the key (or list item) at `path`, or of its nearest parent."""
        return self._walk(path)[0]

    def find(self, *path) -> int | None:
        """The line of the key (or list item) at `path`; None when it is not written here."""
        line, complete, _ = self._walk(path)
        return line if complete else None

    def value_line(self, value: str, *path) -> int | None:
        """The line of the first value written `value` under `path` (a page in `nav`)."""
        node = self._walk(path)[2]
        stack = [node] if node is not None else []
        while stack:
            current = stack.pop()
            if isinstance(current, yaml.ScalarNode) and current.value == value:
                return current.start_mark.line + self.first_line
            if isinstance(current, yaml.MappingNode):
                stack.extend(v for _, v in reversed(current.value))
            elif isinstance(current, yaml.SequenceNode):
                stack.extend(reversed(current.value))
        return None

    def _walk(self, path) -> tuple[int | None, bool, yaml.Node | None]:
        """The line reached, whether all of `path` was found, and the node found."""
        node = self.node
        if node is None:
            return None, False, None
        found = node.start_mark.line + self.first_line
        for step in path:
            if isinstance(node, yaml.MappingNode):
                match = next(((k, v) for k, v in node.value
                              if isinstance(k, yaml.ScalarNode) and k.value == str(step)), None)
                if match is None:
                    return found, False, None
                found, node = match[0].start_mark.line + self.first_line, match[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) \
                    and 0 <= step < len(node.value):
                node = node.value[step]
                found = node.start_mark.line + self.first_line
            else:
                return found, False, None
        return found, True, node

    def items(self) -> list[tuple[yaml.Node, object]]:
        """For a list document: each item's node and value."""
        if not isinstance(self.node, yaml.SequenceNode) or not isinstance(self.data, list):
            return []
        return list(zip(self.node.value, self.data, strict=True))


def load_doc(text: str, loader: type = _SafeLoader, first_line: int = 1,
             environ: Mapping[str, str] | None = None) -> YamlDoc:
    """Data and node tree of one YAML document, parsed once. yaml.YAMLError if unreadable.
    `environ`: the variables `!ENV` reads (`os.environ` by default)."""
    reader = loader(text)
    if environ is not None:
        reader.environ = environ
    try:
        node = reader.get_single_node()
        data = reader.construct_document(node) if node is not None else None
    finally:
        reader.dispose()
    return YamlDoc(data, node, first_line)


def key_line(path: Path, *keys) -> int | None:
    """The line `keys` are written on in a YAML file; None if not, or if it is unreadable.
    Nodes only: nothing is constructed (mkdocs.yml's `!ENV` stays a tag)."""
    try:
        node = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=_SafeLoader)
    except (OSError, yaml.YAMLError):
        return None
    return YamlDoc(None, node).find(*keys)


# -- mkdocs.yml, as MkDocs reads it ----------------------------------------------------------

class MkDocsLoader(_SafeLoader):
    """mkdocs.yml's loader: `!ENV` as MkDocs' (pyyaml_env_tag) reads it."""


def _env_tag(loader, node):
    """`!ENV NAME` or `!ENV [NAME, …, default]`: the first variable set (even empty), its
    value typed as YAML would type it; else the default (None without one)."""
    default = None
    if isinstance(node, yaml.ScalarNode):
        names = [loader.construct_scalar(node)]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
        if len(children) > 1:
            default = loader.construct_object(children[-1])
            children = children[:-1]
        names = [loader.construct_scalar(child) for child in children]
    else:
        raise yaml.constructor.ConstructorError(
            None, None, f"expected a scalar or sequence node, but found {node.id}",
            node.start_mark)
    environ = getattr(loader, "environ", None)
    environ = os.environ if environ is None else environ
    for name in names:
        if name in environ:
            value = environ[name]
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


MkDocsLoader.add_constructor("!ENV", _env_tag)


def _merge(parent: dict, child: Mapping) -> dict:
    """`child` over `parent`, mappings merged key by key, anything else replaced (MkDocs'
    `mergedeep.merge`)."""
    merged = dict(parent)
    for key, value in child.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged


class InheritError(OSError):
    """The file named by `INHERIT` does not exist, or is already in the chain."""

    def __init__(self, file: Path, inherit: str, line: int | None, looped: bool = False):
        self.file, self.inherit, self.line = file, inherit, line
        self.reason = "fichier hérité en boucle" if looped else "fichier hérité introuvable"
        super().__init__(f"{file}: {self.reason} : « {inherit} »")


@dataclass(frozen=True)
class ConfigFile:
    """mkdocs.yml read: the merged data, and each file of the INHERIT chain (itself first)."""

    path: Path
    data: dict
    files: tuple[tuple[Path, YamlDoc], ...]

    def where(self, *keys) -> tuple[str, int | None]:
        """The file (relative to mkdocs.yml's folder) and line a key is written on: the
        nearest file of the chain that writes it; mkdocs.yml and None when none does."""
        for path, doc in self.files:
            line = doc.find(*keys)
            if line is not None:
                return self._label(path), line
        return self._label(self.path), None

    def value_where(self, value: str, *keys) -> tuple[str, int | None]:
        """The file and line of the value `value` under `keys`, in the file that gives
        `keys` (a list from a parent is replaced, not merged, by a child's)."""
        for path, doc in self.files:
            if doc.find(*keys) is not None:
                return self._label(path), doc.value_line(value, *keys)
        return self._label(self.path), None

    def _label(self, path: Path) -> str:
        return label(path, self.path.resolve().parent)


def label(path: Path, root: Path) -> str:
    """`path` as messages name it: relative to `root` when inside it."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_mkdocs_yml(path: Path | str, environ: Mapping[str, str] | None = None) -> ConfigFile:
    """mkdocs.yml and the files it INHERITs. yaml.YAMLError for a syntax error, OSError for
    a missing file (InheritError: the INHERIT target). `environ`: what `!ENV` reads
    (`os.environ`, as MkDocs reads it, by default)."""
    path = Path(path)
    files: list[tuple[Path, YamlDoc]] = []
    data: dict = {}
    current: Path | None = path
    while current is not None:
        doc = load_doc(current.read_text(encoding="utf-8"), MkDocsLoader, environ=environ)
        files.append((current, doc))
        own = dict(doc.data) if isinstance(doc.data, Mapping) else {}
        inherit = own.pop("INHERIT", None)
        data = _merge(own, data)
        if inherit is None:
            current = None
            continue
        parent = Path(os.path.normpath(os.path.join(os.path.dirname(current), inherit)))
        looped = any(parent.resolve() == seen.resolve() for seen, _ in files)
        if looped or not parent.is_file():
            raise InheritError(current, str(inherit), doc.find("INHERIT"), looped)
        current = parent
    return ConfigFile(path, data, tuple(files))


# -- The values ---------------------------------------------------------------------------

def _resolved(path: str) -> Path:
    """The path resolved; an absolute one once per process (the build reads the values
    for every page), a relative one each time (it depends on the current folder)."""
    return _resolved_absolute(path) if Path(path).is_absolute() else Path(path).resolve()


@functools.lru_cache(maxsize=256)
def _resolved_absolute(path: str) -> Path:
    return Path(path).resolve()


def _directory_url(url: str) -> str:
    """`site_url` as MkDocs keeps it: ending with "/" (unless empty)."""
    return url if not url or url.endswith("/") else url + "/"


def _mapping(value) -> dict:
    return dict(value) if isinstance(value, Mapping) else {}


def slugify(text: str) -> str:
    """A short name made of a-z, 0-9 and hyphens ("Contrôle : l’été" -> "controle-l-ete")."""
    text = re.sub(r"[’']", "-", text)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].rstrip("-")


@dataclass(frozen=True)
class PortalConfig:
    """Every value the portal reads from mkdocs.yml, with its default. Values a content
    mistake can spoil (contact, share links, build mode) are kept as written: the modules
    that use them check them and say what is wrong, with the file and line."""

    config_file: Path                       # absolute
    docs_dir: Path                          # absolute
    site_name: str = ""
    site_description: str = ""
    site_author: str = ""
    site_url: str = ""                      # ends with "/", as MkDocs makes it
    repo_url: str = ""
    nav: Any = None
    not_in_nav: Any = None
    # `extra:`
    dossiers: tuple[str, ...] = ()          # folders of docs/ whose pages are investigations
    bibliography_dir: str = BIBLIOGRAPHY_DIR
    history_uri: str = ""                   # a page's history on the forge, after repo_url
    petition_data: str = PETITION_DATA      # `action.petition_data`
    petition_page: str = PETITION_PAGE      # `action.petition_page`
    share_links: Any = None                 # `action.share_links`, checked by share.py
    contact: Any = None                     # `contact`, checked by letters.py
    contact_given: bool = False             # `contact:` is written (even empty)
    build: Any = None                       # local, preview or publish: placeholders.py
    versions_file: str = ""                 # versions.json of the frozen versions
    legal: dict = field(default_factory=dict)
    accessibility: dict = field(default_factory=dict)
    frozen: dict = field(default_factory=dict)  # a frozen version's name and date
    version: Any = None                     # set in a frozen version's build
    mirrors_data: str = MIRRORS_DATA
    redirects_data: str = REDIRECTS_DATA
    archives_data: str = ARCHIVES_DATA      # `extra.archives_data`
    documents_dir: str = DOCUMENTS_DIR      # `extra.documents_dir`
    letters_data: str = LETTERS_DATA        # `extra.action.letters_data`
    charts_dir: str = CHARTS_DIR            # `extra.charts_dir`
    # `extra.campaign`: what names and colours this campaign (README, « Une campagne »)
    slug: Any = None                        # `campaign.slug`: archives, user agents
    colors: Any = None                      # `campaign.colors`, checked by sitewide/colors.py
    article_sections: Any = None            # `campaign.article_sections`: make new-article
    # From the environment (`portal_environ`), not from mkdocs.yml:
    service_url: str = ""                   # PORTAL_SERVICE_URL: the local action service
    served_site_dir: str = ""               # PORTAL_SERVED_SITE_DIR: set by the preview

    @property
    def root(self) -> Path:
        return self.config_file.parent

    @property
    def bib_dir(self) -> Path:
        return self.root / self.bibliography_dir

    @property
    def petition_file(self) -> Path:
        return self.root / self.petition_data

    @property
    def mirrors_file(self) -> Path:
        return self.root / self.mirrors_data

    @property
    def campaign_slug(self) -> str:
        """The campaign's short name (archives of the mirror kit, user agents): `campaign.slug`
        as written if it is a valid one, else made from `site_name`, else "portail"."""
        written = str(self.slug or "").strip()
        if written and slugify(written) == written:
            return written
        return slugify(self.site_name) or "portail"

    @classmethod
    def from_mkdocs(cls, conf: Mapping, environ: Mapping[str, str] | None = None,
                    ) -> PortalConfig:
        """From a configuration MkDocs loaded, or from mkdocs.yml's data (`config_file_path`
        then names the file); the `PORTAL_*` variables from `environ` (`os.environ`)."""
        variables = portal_environ(environ)
        config_file = _resolved(str(conf.get("config_file_path") or CONFIG_FILE))
        extra = _mapping(conf.get("extra"))
        action = _mapping(extra.get("action"))
        campaign = _mapping(extra.get("campaign"))
        return cls(
            config_file=config_file,
            docs_dir=_resolved(str(config_file.parent / (conf.get("docs_dir") or "docs"))),
            site_name=str(conf.get("site_name") or ""),
            site_description=str(conf.get("site_description") or ""),
            site_author=str(conf.get("site_author") or ""),
            site_url=_directory_url(str(conf.get("site_url") or "")),
            repo_url=str(conf.get("repo_url") or ""),
            nav=conf.get("nav"), not_in_nav=conf.get("not_in_nav"),
            dossiers=tuple(extra.get("dossiers") or ()),
            bibliography_dir=str(extra.get("bibliography_dir") or BIBLIOGRAPHY_DIR),
            history_uri=str(extra.get("history_uri") or ""),
            petition_data=str(action.get("petition_data") or PETITION_DATA),
            petition_page=str(action.get("petition_page") or PETITION_PAGE),
            share_links=action.get("share_links"),
            contact=extra.get("contact"), contact_given="contact" in extra,
            build=extra.get("build"),
            versions_file=str(extra.get("versions_file") or ""),
            legal=_mapping(extra.get("legal")),
            accessibility=_mapping(extra.get("accessibility")),
            frozen=_mapping(extra.get("frozen")),
            version=extra.get("version"),
            archives_data=str(extra.get("archives_data") or ARCHIVES_DATA),
            documents_dir=str(extra.get("documents_dir") or DOCUMENTS_DIR),
            letters_data=str(action.get("letters_data") or LETTERS_DATA),
            charts_dir=str(extra.get("charts_dir") or CHARTS_DIR),
            slug=campaign.get("slug"), colors=campaign.get("colors"),
            article_sections=campaign.get("article_sections"),
            service_url=variables.get(SERVICE_URL_VARIABLE, "").strip(),
            served_site_dir=variables.get(SERVED_SITE_DIR_VARIABLE, "").strip())

    @classmethod
    def read(cls, path: Path | str, environ: Mapping[str, str] | None = None) -> PortalConfig:
        """From mkdocs.yml itself (and what it INHERITs), its `!ENV` read as the build reads
        it (scripts/build.py): an empty `PORTAL_*` variable counts as unset."""
        path = Path(path).resolve()
        environ = portal_environ(environ)
        return cls.from_file(read_mkdocs_yml(path, environ), environ)

    @classmethod
    def from_file(cls, config: ConfigFile, environ: Mapping[str, str] | None = None,
                  ) -> PortalConfig:
        return cls.from_mkdocs({**config.data, "config_file_path": str(config.path.resolve())},
                               environ)
