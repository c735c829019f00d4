"""The coalition on the portal's pages: `{{ partners() }}` (the « Partenaires » page: each
partner with its copy-paste form), plus the partner a mirror's build signs for
(PORTAL_PARTNER). The count against the goal on the home page is the sign box
(`sign_box`, in this room's __init__)."""

from __future__ import annotations

import json

from common.config import PortalConfig

from ..floor.errors import ContentError, Problem
from .partners import partner_of_build, render_partners, snippet


def _partners(session) -> list:
    content = getattr(session.portal, "content", None)
    return list(content.partners) if content is not None else []


def build_partner(session) -> tuple[str, str, bool] | None:
    """(code, name, takes its own opt-ins) of PORTAL_PARTNER, for the petition form."""
    partner = partner_of_build(_partners(session))
    return (partner.code, partner.name, partner.takes_news) if partner else None


def register_coalition_macros(env, session, deferred) -> None:
    def petition_or_fail():
        action = session.action
        if action.petition is None:
            raise ContentError([Problem(action.petition_label, "fichier de la pétition "
                                        "introuvable", hint=f"créez {action.petition_label} "
                                        "(voir CONTRIBUTING.md)")])
        return action

    def partners() -> str:
        """Every partner of data/partenaires.yml, with its form ready to copy."""
        action = petition_or_fail()
        petition, listed = action.petition, _partners(session)
        snippets = None
        if petition.service_url and action.petition_page:
            site = PortalConfig.from_mkdocs(env.conf).site_url.rstrip("/")
            page = action.petition_page.removesuffix(".md") + ".html"
            snippets = {p.code: snippet(p, action=petition.form_action, title=petition.title,
                                        demands=petition.demands,
                                        petition_url=f"{site}/{page}",
                                        call_to_action=petition.call_to_action)
                        for p in listed}
        return render_partners(listed, snippets)

    env.macro(deferred(partners), "partners")


PARTNERS_FILE = "partenaires.json"


def write_partners_file(session, site_dir, urls: dict[str, str]) -> None:
    """`partenaires.json` beside the petition page: the partners (name, code, site, origins,
    whether they take opt-ins), so that every copy of the site, and the mirror kit made
    from it, carries the list the service accepts forms from. No contact, no key."""
    page = session.action.petition_page
    partners = _partners(session)
    if page not in urls:
        return
    target = site_dir / urls[page]
    target.parent.mkdir(parents=True, exist_ok=True)
    (target.parent / PARTNERS_FILE).write_text(json.dumps([
        {"nom": p.name, "code": p.code, "site": p.site, "origines": list(p.origins),
         "abonnements": p.takes_news} for p in partners], ensure_ascii=False, indent=1)
        + "\n", encoding="utf-8")
