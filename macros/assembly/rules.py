"""The one list of the portal's content rules, and what each one's verdict is.

`make check`, `make build` (and so CI and `make publish`) and the preview (`make serve`) find
every problem in the same collection step (macros/assembly/collect.py), and decide what to do
with it here, from the rule it breaks:

- `ERROR`: the page or the site cannot be built right (an unknown source, a broken link, an
  unreadable front matter). `make check` and the build refuse it; the preview shows the
  French error page in place of the site until it is fixed.
- `UNFINISHED`: the page builds, but is not ready to publish (text left by `make
  new-article`, an empty summary, French typography, a hard « facile à lire » block).
  `make check` and the build refuse it, as strictly as an error, naming the page and what
  is left; the preview alone is lenient: it serves the page with a « Brouillon » banner
  listing what is left, and the rest of the site normally.
- `ADVICE`: worth knowing, never a reason to refuse (a source cited nowhere). Said by
  `make check` and by the build alike.

A rule may be stricter in a publishing build (`publish`: its verdict when `extra.build` is
`publish`, as in `make publish`, `make release`, `make mirror` and the CI on main, and in
`PORTAL_BUILD=publish make check`): what a new campaign leaves behind (a source cited
nowhere, a recipient no letter writes to, a letter field no letter uses, pages of a dossier
the navigation no longer lists) is advice while one works, and refused when publishing.

A rule's `message` is how its problems' messages start, `…` standing for the value; a rule
with `where` holds every problem of the files under that path (the data files, whose
readers have many messages). A problem that matches no rule is an error.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..floor.errors import Problem

ERROR, UNFINISHED, ADVICE = "erreur", "à terminer", "conseil"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    message: str  # the start of the message, `…` for any value
    where: str = ""  # a path prefix: every problem of those files
    publish: str = ""  # the verdict in a publishing build, when stricter

    @functools.cached_property
    def pattern(self) -> re.Pattern:
        return re.compile(".*?".join(re.escape(part) for part in self.message.split("…")))

    def matches(self, problem: Problem) -> bool:
        if self.where:
            return problem.path.startswith(self.where)
        return self.pattern.match(problem.message) is not None


RULES: tuple[Rule, ...] = (
    # -- A page's front matter ---------------------------------------------------------
    Rule("en-tete-illisible", ERROR, "en-tête YAML illisible : …"),
    Rule("en-tete-non-ferme", ERROR, "en-tête jamais refermé : la ligne `---` de fin manque"),
    Rule("en-tete-pas-des-champs", ERROR, "l’en-tête YAML doit être une liste de champs"),
    Rule("champ-inconnu", ERROR, "champ d’en-tête inconnu `…`"),
    Rule("champ-manquant", ERROR, "champ d’en-tête obligatoire manquant : `…`"),
    # Listings sort investigations by date: a page without one cannot be placed.
    Rule("date-vide", ERROR, "champ d’en-tête vide : `date`"),
    Rule("champ-vide", UNFINISHED, "champ d’en-tête vide : `…`"),
    Rule("champ-pas-un-texte", ERROR, "`…` doit être un texte : « … »"),
    Rule("champ-pas-une-liste", ERROR, "`…` doit être une liste de textes : « … »"),
    Rule("date-invalide", ERROR, "`…` n’est pas une date : « … »"),
    Rule("date-future", ERROR, "`…` est dans le futur : « … »"),
    Rule("reponse-ou-mise-a-jour", ERROR, "`reply…"),
    Rule("mise-a-jour", ERROR, "`updates…"),
    Rule("champ-inconnu-imbrique", ERROR, "champ inconnu `…`"),
    Rule("fichier-pas-utf8", ERROR, "caractère illisible (octet …), le fichier n’est pas en UTF-8"),
    # -- What is left to write ---------------------------------------------------------
    Rule("texte-provisoire", UNFINISHED, "texte provisoire « Texte à écrire. » encore en place"),
    # -- French typography (macros/pages/typography.py; `make fix-typography`) ---------
    Rule("espace-ordinaire", UNFINISHED, "espace ordinaire avant « … »"),
    Rule("espace-manquante", UNFINISHED, "espace manquante avant « … »"),
    Rule("espace-apres-guillemet", UNFINISHED, "espace insécable manquante après « « »"),
    Rule("espace-avant-guillemet", UNFINISHED, "espace insécable manquante avant « » »"),
    Rule("apostrophe-droite", UNFINISHED, "apostrophe droite « ' »"),
    Rule("trois-points", UNFINISHED, "trois points « ... »"),
    Rule("guillemets-droits", UNFINISHED, "guillemets droits « \" »"),
    # -- The « facile à lire » block (macros/pages/easyread.py) ------------------------
    Rule("facile-trop-long", UNFINISHED, "bloc « facile à lire » trop long : …"),
    Rule("facile-phrases", UNFINISHED, "phrases trop longues dans le bloc « facile à lire »"),
    Rule("facile-difficile", UNFINISHED, "bloc « facile à lire » trop difficile : …"),
    Rule("facile-nombre", UNFINISHED, "nombre écrit en lettres dans le bloc « facile à lire »"),
    Rule("facile-mot", UNFINISHED, "mot difficile non expliqué dans le bloc « facile à lire »"),
    # -- Citations and macro calls -----------------------------------------------------
    Rule("source-inconnue", ERROR, "source inconnue `…`"),
    Rule("citation-mal-formee", ERROR, "citation mal formée : …"),
    Rule("citation-non-fermee", ERROR, "citation jamais refermée"),
    Rule("commentaire-non-ferme", ERROR, "commentaire HTML jamais refermé"),
    Rule("macro-inconnue", ERROR, "macro inconnue `…`"),
    Rule("appel-de-macro", ERROR, "appel de macro …"),
    Rule("macro-caractere", ERROR, "caractère inattendu dans un appel de macro"),
    Rule("macro-accolade", ERROR, "accolade fermante en trop"),
    Rule("macro-commentaire", ERROR, "« {# » ouvre un commentaire de macro jamais refermé"),
    Rule("graphique-inconnu", ERROR, "graphique inconnu `…`"),
    Rule("dossier-inconnu", ERROR, "dossier inconnu `…`"),
    # -- Letters (macros/action/letter_check.py: data/lettres.yml, destinataires.yml) --
    Rule("champ-de-lettre-inconnu", ERROR, "champ de lettre inconnu `…`"),
    Rule("destinataire-inconnu", ERROR, "destinataire inconnu `…`"),
    Rule("destinataire-sans-lettre", ADVICE, "destinataire `…` : aucune lettre ne lui écrit",
         publish=UNFINISHED),
    Rule("champ-de-lettre-inutilise", ADVICE, "champ de lettre `…` : aucune lettre ne "
         "l’utilise", publish=UNFINISHED),
    # -- Links between pages (macros/pages/links.py; MkDocs says the same) -------------
    Rule("page-introuvable", ERROR, "lien vers une page introuvable : `…`"),
    Rule("fichier-introuvable", ERROR, "lien vers un fichier introuvable : `…`"),
    Rule("image-introuvable", ERROR, "image introuvable : `…`"),
    Rule("lien-non-reconnu", ERROR, "lien relatif non reconnu : `…`"),
    Rule("lien-absolu", ERROR, "lien absolu : `…`"),
    Rule("ancre-introuvable", ERROR, "ancre introuvable : `#…` dans `…`"),
    Rule("readme-et-index", ERROR, "`README.md` et `index.md` dans le même dossier"),
    # -- The navigation and the dossiers (mkdocs.yml) ----------------------------------
    Rule("nav-introuvable", ERROR, "entrée de `nav` vers une page introuvable : `…`"),
    Rule("hors-navigation", ERROR, "page(s) hors de la navigation : …"),
    Rule("dossier-introuvable", ERROR, "dossier introuvable : `…`"),
    Rule("dossier-hors-navigation", ADVICE, "page(s) d’un dossier que la navigation ne "
         "liste pas : …", publish=UNFINISHED),
    # -- Sources a reader could not find or date (macros/citations/findability.py) -----
    Rule("source-sans-adresse", UNFINISHED, "`…` (@…) : source en ligne sans adresse"),
    Rule("source-sans-date", UNFINISHED, "`…` (@…) : source en ligne sans date"),
    Rule("source-annee-seule", UNFINISHED, "`…` (@…) : source en ligne datée de l’année seule"),
    # -- Advice ------------------------------------------------------------------------
    Rule("source-non-citee", ADVICE, "… source(s) citée(s) nulle part : …",
         publish=UNFINISHED),
    # -- Whole families: every problem of these files ----------------------------------
    Rule("bibtex", ERROR, "", where="bibliography/"),
    Rule("donnees", ERROR, "", where="data/"),
    Rule("module-de-graphique", ERROR, "", where="charts/"),
    Rule("configuration", ERROR, "", where="mkdocs.yml"),
)

# The rules `make fix-typography` may mend (macros/pages/typography.py: fix).
TYPOGRAPHY = frozenset({"espace-ordinaire", "espace-manquante", "espace-apres-guillemet",
                        "espace-avant-guillemet", "apostrophe-droite", "trois-points",
                        "guillemets-droits"})

# A problem no rule names: refused, like an error.
UNLISTED = Rule("autre", ERROR, "")


def rule_of(problem: Problem) -> Rule:
    """The first rule of the list that names the problem (the more precise come first)."""
    for rule in RULES:
        if rule.matches(problem):
            return rule
    return UNLISTED


def severity_of(problem: Problem, publishing: bool = False) -> str:
    rule = rule_of(problem)
    return rule.publish if publishing and rule.publish else rule.severity


def refused(problems: Iterable[Problem], publishing: bool = False) -> list[Problem]:
    """What `make check` and the build refuse: errors and unfinished pages (and, in a
    publishing build, what its rule refuses when publishing)."""
    return [p for p in problems if severity_of(p, publishing) != ADVICE]


def advice(problems: Iterable[Problem], publishing: bool = False) -> list[Problem]:
    return [p for p in problems if severity_of(p, publishing) == ADVICE]


def unfinished_by_page(problems: Iterable[Problem], publishing: bool = False,
                       ) -> dict[str, list[Problem]]:
    """The preview's drafts: each page's unfinished points, by the page's file label."""
    found: dict[str, list[Problem]] = {}
    for problem in problems:
        if severity_of(problem, publishing) == UNFINISHED:
            found.setdefault(problem.path, []).append(problem)
    return found
