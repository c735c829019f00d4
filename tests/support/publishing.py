"""Settings of a real organisation, as partners pass them: environment variables only."""

from __future__ import annotations

from pathlib import Path

from support.sites import ROOT, build_env, make_site

PAGES = ("versions.md", "mentions-legales.md", "accessibilite.md")

ORGANISATION = {
    "PORTAL_SITE_URL": "https://portail.collectif-droits.fr/",
    "PORTAL_REPO_URL": "https://git.collectif-droits.fr/campagne/portail",
    "PORTAL_CONTACT_EMAIL": "equipe@collectif-droits.fr",
    "PORTAL_PUBLISHER": "Collectif Droits des chômeurs",
    "PORTAL_PUBLISHER_ADDRESS": "12 rue des Lilas\n75020 Paris",
    "PORTAL_PUBLISHER_CONTACT": "01 23 45 67 89",
    "PORTAL_PUBLICATION_DIRECTOR": "Camille Martin",
    "PORTAL_HOST_NAME": "Hébergeur associatif Exemplaire",
    "PORTAL_HOST_ADDRESS": "3 place du Marché, 69001 Lyon",
    "PORTAL_HOST_CONTACT": "04 00 00 00 00",
}


def publishing_env(**extra: str) -> dict[str, str]:
    """A publishing build (PORTAL_BUILD=publish) with every setting filled in."""
    return build_env(**{"PORTAL_BUILD": "publish", **ORGANISATION, **extra})


def publishable_site(tmp: Path, **kwargs) -> Path:
    """`make_site` with the portal's publication pages (versions, legal notice,
    accessibility), its address read from PORTAL_SITE_URL like the portal's own."""
    docs = {name: (ROOT / "docs" / name).read_text(encoding="utf-8") for name in PAGES}
    # Every source of the fixture's bibliography is cited somewhere: a publishing build
    # refuses a source cited nowhere (a test giving its own sources.bib cites them itself).
    cited = "" if "sources.bib" in (kwargs.get("bib") or {}) else " [@cour_des_comptes_2020]"
    docs["a-propos.md"] = f"---\ntitle: À propos\n---\n\nQui nous sommes{cited}.\n"
    docs.update(kwargs.pop("docs", None) or {})
    project = make_site(tmp, docs=docs, **kwargs)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "site_url: https://fixture.example.org/",
        'site_url: !ENV [PORTAL_SITE_URL, "https://fixture.example.org/"]')
    text = text.replace("  /rechercher.md\n", "  /rechercher.md\n" + "".join(
        f"  /{name}\n" for name in (*PAGES, "a-propos.md", "agir/*.md")))
    config.write_text(text, encoding="utf-8")
    return project
