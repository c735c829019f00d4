"""Everything one build reads before its first page, whichever engine runs it: the portal
(collected and checked once), the action pages' data, the publication mode, the page pipeline
and the charts. The engines' adapters (macros/engine/session.py) only hold it."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from common.config import PortalConfig

from ..action import Action
from ..charts import Charts
from ..citations.preserved import orphan_notice, orphan_records, unarchived_notice, without_copy
from ..floor.errors import ContentError
from ..floor.log import advisory
from ..floor.memo import Memo
from .collect import chart_colours
from .pipeline import PagePipeline
from .portal import Portal
from .publication import Publication


@dataclass
class Assembled:
    portal: Portal
    action: Action
    publication: Publication
    pipeline: PagePipeline
    charts: Charts

    @classmethod
    def load(cls, conf: Mapping, config: PortalConfig, known_names: Collection[str] | None,
             memo: Memo, keep: Callable[[ContentError], bool], draw_ahead: bool = True,
             drafts: bool = False, draft_banner: Callable[[list], str] | None = None,
             ) -> Assembled:
        """Read and check everything once; ContentError for any content mistake. `keep`:
        what becomes of a page's mistakes (the preview keeps them); `draw_ahead`: start
        drawing the charts and share images the cache lacks in second processes (not for
        a quick preview, which draws only those of the pages it rebuilds). `drafts` (the
        preview): unfinished pages are kept, shown with `draft_banner(what is left)`."""
        portal = Portal.load(config, known_names=known_names, drafts=drafts, memo=memo)
        # data/petition.yml as the collection step read it: once per build.
        action = Action.with_petition(portal.content.petition, config.docs_dir, config)
        # Placeholders are refused here, before any page is built, in a publishing build.
        publication = Publication.load(conf, portal, action)
        palette = portal.content.palette
        charts = Charts(portal.root, portal.sources, portal.root / config.charts_dir,
                        colours=chart_colours(palette))
        if draw_ahead:  # drawn in second processes while the pages are built
            charts.prerender(portal.corpus.chart_ids())
            publication.images.prerender(publication.cards(portal).values())
        assembled = cls(portal, action, publication,
                        PagePipeline(config, portal, publication, action, keep=keep,
                                     draft_banner=draft_banner), charts)
        assembled.notices(config)
        return assembled

    def notices(self, config: PortalConfig) -> None:
        """What the build says without stopping (beside the advice of the rules, said by
        `Portal.load`): issue 27: in a publishing build, how many cited addresses have no
        recorded archived copy (one line; `make check` lists them), and in any build the
        records of addresses no source cites any more."""
        portal = self.portal
        label = config.archives_data
        if self.publication.mode == "publish":
            missing = without_copy(portal.sources, portal.corpus.cited_in())
            if missing:
                advisory.warning(unarchived_notice(len(missing), label))
        orphans = orphan_records(portal.content.archives if portal.content else {},
                                 portal.sources)
        if orphans:
            advisory.warning(orphan_notice(orphans, label))
