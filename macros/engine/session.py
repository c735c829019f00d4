"""The adapters' hold on one build: the portal's build (macros/assembly/build.py) with what
only the engines need: which engine, the preview's settings, the engine's own configuration,
the strict-mode counter. mkdocs-macros calls `define_env` once per build; Zensical calls it
for every page (and loads `macros/__init__.py` afresh each time; `engine/hooks.py` stays
imported), so a Zensical build is
read at its first page. The session lives in the engine's configuration, as the page
extension's instance in its `markdown_extensions` (macros/engine/page_extension.py:
`hold_session`, `session_of`): no class or module holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from common.config import label

from ..assembly.assembled import Assembled
from ..assembly.build import PortalBuild, page_flags
from ..assembly.page_macros import register_macros
from ..floor.errors import ContentError, stop_build
from ..floor.memo import Memo
from . import mkdocs_french as french_warnings
from .engines import ZENSICAL, read_config
from .mkdocs_french import WarningCount
from .preview import Preview, draft_banner
from .render_errors import set_error_handler


class BuildSession(PortalBuild):
    def __init__(self, conf, engine: str, preview: Preview) -> None:
        super().__init__(conf)
        self.engine = engine
        self.preview = preview
        self.engine_conf = None  # the engine's own configuration object (Zensical's dict)
        # A strict build's warnings, counted by the portal's own handler (engine/hooks.py).
        self.warnings: WarningCount | None = None

    def wire_macros(self, env) -> None:
        """The page macros, and the handler of a template's error, on the macros' `env`
        (mkdocs-macros' or Zensical's)."""
        register_macros(env, self)
        set_error_handler(env.variables, self.render_error)

    # -- Loading -------------------------------------------------------------------------

    def read(self, known_names, memo: Memo | None = None) -> BuildSession:
        """Read and check everything once. A content mistake stops the build (or, while
        serving, is kept for the preview's error page). `known_names`: every name a page
        may use (macros, variables, filters); `memo`: what a previous build of the same
        preview read (unchanged files are not read again)."""
        conf, config, preview = self.conf, self.config, self.preview
        if memo is not None:
            self.memo = memo
        french_warnings.install(config.docs_dir, label(config.docs_dir, config.root),
                                config.config_file)
        try:
            assembled = Assembled.load(conf, config, known_names, self.memo, preview.keep,
                                       draw_ahead=not preview.quick, drafts=preview.serving,
                                       draft_banner=draft_banner)
        except ContentError as error:
            if not preview.keep(error):
                raise stop_build(error) from None
            return self
        self.assemble(assembled)
        for page_file, left in assembled.portal.unfinished.items():
            preview.draft(page_file, left)
        # The footer partial of both engines sees only `config` and `page`, and the 404 page
        # has no page: the flags join this build's own configuration object.
        conf["extra"].update(page_flags(self.portal.docs_dir))
        return self

    @classmethod
    def for_zensical(cls, engine_conf: dict, known_names: Callable[[], Mapping]) -> BuildSession:
        """The session of a Zensical build, read at its first page from the project's
        mkdocs.yml (Zensical's own dict lacks what MkDocs derives, such as `docs_dir`)."""
        conf = read_config(Path(engine_conf["root_dir"]) / "mkdocs.yml")
        session = cls(conf, ZENSICAL, Preview(serving=False))
        session.engine_conf = engine_conf
        session.read(known_names())  # once per build, not once per page
        if session.portal is not None:  # the templates read Zensical's `config.extra`
            engine_conf.setdefault("extra", {}).update(page_flags(session.portal.docs_dir))
        return session
