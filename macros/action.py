"""What the action pages and the call to action need, read once per build from the config."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .letters import check_contact, is_placeholder
from .log import advisory
from .petition import DEFAULT_CALL_TO_ACTION, Petition, load_petition
from .share import check_share_links


@dataclass(frozen=True)
class Action:
    petition: Petition | None
    petition_label: str        # e.g. "data/petition.yml", for messages
    petition_page: str | None  # .md path under docs/ of the petition page, when it exists
    share_links: list[dict]
    contact: dict | None

    @property
    def call_to_action(self) -> str:
        return self.petition.call_to_action if self.petition else DEFAULT_CALL_TO_ACTION

    @classmethod
    def load(cls, root: Path, docs_dir: Path, extra: dict) -> Action:
        config = extra.get("action") or {}
        label = str(config.get("petition_data", "data/petition.yml"))
        petition = load_petition(root / label, label)
        page = str(config.get("petition_page", "agir/petition.md"))
        contact = check_contact(extra["contact"]) if "contact" in extra else None
        if contact and is_placeholder(contact):
            advisory.warning("adresse de contact d’exemple (%s) : remplacez `extra.contact.email` "
                             "dans mkdocs.yml avant de publier", contact["email"])
        links = check_share_links(config.get("share_links"))
        return cls(petition, label, page if (docs_dir / page).exists() else None, links, contact)
