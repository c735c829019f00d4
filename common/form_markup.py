"""The petition and testimony forms as HTML: one markup for the static page and for the
action service's answer that shows the form again with what the reader typed and what to fix.

Every word comes from the catalogue (common/words.py): each function takes `words`, the
`translations(root, lang)` object of the page's language (French, the source, by default).
A form in another language than French carries it in a hidden `lang` field, first in the
form, so that the service answers and writes its mails in that language.

Standard library, Babel and common/words.py only, and no import from the macros package: the
service imports this file (service/markup.py) without importing MkDocs.
"""

from __future__ import annotations

import gettext
import html
import re
from collections.abc import Mapping

from babel.dates import format_date
from babel.numbers import format_decimal

from common.words import N_, SOURCE_LANGUAGE, SourceWords, language_of

FRENCH = SourceWords()
LANGUAGE_FIELD = "lang"  # the hidden field naming the form's language (absent: French)

# Longest accepted value of each field, in characters (the service refuses longer ones).
LIMITS = {"name": 100, "email": 254, "postcode": 5, "testimony": 10_000, "contact": 200}
PETITION_FIELDS = {"name": "name", "email": "email", "postcode": "postcode",
                   "consent": "consent", "newsletter": "newsletter", "honeypot": "website",
                   # Coalitions (service/partners.py): the partner who brought the signer
                   # (hidden), its own news (unticked) and the list handed to the addressees.
                   "partner": "partenaire", "partner_news": "nouvelles_partenaire",
                   "listed": "liste"}
# (Worded so that no label repeats another field's name: "Code postal" stays unique.)
LISTED_LABEL = N_("J’accepte que mon nom et les 5 chiffres de ma commune figurent sur la liste "
                  "remise aux destinataires de la pétition (facultatif\u00a0; jamais mon "
                  "courriel).")


def partner_news_label(partner_name: str, words: gettext.NullTranslations = FRENCH) -> str:
    """The partner's own, separate consent (never ticked in advance)."""
    return words.gettext("Je souhaite recevoir des nouvelles de {partner} (facultatif\u00a0: "
                         "cette organisation recevra alors mon nom et mon courriel).").format(
        partner=partner_name)
TESTIMONY_FIELDS = {"testimony": "temoignage", "contact": "contact", "consent": "consent",
                    "honeypot": "website"}
PRIVACY_ANCHOR = "donnees-personnelles"
# The expected postcode format, said in the label and in the field's `title`: a browser
# that refuses the value (pattern) shows the title instead of its own English words.
# The same words as the service's own refusal (service/forms.py).
POSTCODE_HINT = N_("5 chiffres, par exemple 69003")
POSTCODE_TITLE = N_("Le code postal s’écrit avec 5 chiffres, par exemple 69003.")
COUNT_LABEL_ID, COUNT_BAR_ID = "petition-progress-label", "petition-progress-bar"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def format_number(number: int, words: gettext.NullTranslations = FRENCH) -> str:
    """`12 000` with a narrow no-break space, the French way; `12,000` in English (the
    language's own convention, from Babel's CLDR data)."""
    lang = language_of(words)
    if lang == SOURCE_LANGUAGE:
        return f"{number:,}".replace(",", "\u202f")
    return format_decimal(number, locale=lang)


def format_day(day, words: gettext.NullTranslations = FRENCH) -> str:
    """`1er décembre 2026`, `23 novembre 2026` (a datetime.date); `1 December 2026` in
    English (day, month, year: the order of British and European English)."""
    lang = language_of(words)
    if lang == SOURCE_LANGUAGE:
        return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"
    return format_date(day, "d MMMM y", locale=lang)


def progress_words(count: int, words: gettext.NullTranslations = FRENCH) -> str:
    """The count's sentence for `count`, its `{count}`, `{goal}` and `{day}` still to fill
    (petition-count.js fills them in a browser, from the singular and the plural)."""
    return words.ngettext("{count} signature sur un objectif de {goal}, au {day}",
                          "{count} signatures sur un objectif de {goal}, au {day}", count)


def progress_text(count: int, goal: int, day, words: gettext.NullTranslations = FRENCH) -> str:
    """« 1 234 signatures sur un objectif de 10 000, au 23 novembre 2026 »."""
    return progress_words(count, words).format(count=format_number(count, words),
                                               goal=format_number(goal, words),
                                               day=format_day(day, words))


def with_count(page: str, count: int, goal: int, day,
               words: gettext.NullTranslations = FRENCH) -> str | None:
    """`page` (a built page's HTML) with its count label and bar set to `count` on `day`;
    None when the page has no count (or not both of its parts). `words`: the page's
    language."""
    label = html.escape(progress_text(count, goal, day, words))
    page, labels = re.subn(rf'(<p [^>]*id="{COUNT_LABEL_ID}"[^>]*>)[^<]*(</p>)',
                           lambda m: m.group(1) + label + m.group(2), page)
    value = f'value="{min(count, goal)}"'
    page, bars = re.subn(
        rf'(<progress [^>]*id="{COUNT_BAR_ID}"[^>]*>)[^<]*(</progress>)',
        lambda m: re.sub(r'value="\d+"', value, m.group(1))
        + html.escape(format_number(count, words))
        + m.group(2), page)
    return page if labels and bars else None


def _value(values: Mapping[str, str], key: str) -> str:
    return html.escape(values.get(key, ""), quote=True)


def _checked(values: Mapping[str, str], key: str) -> str:
    return " checked" if values.get(key) else ""


def _invalid(errors: Mapping[str, str], key: str, prefix: str) -> str:
    if key not in errors:
        return ""
    return f' aria-invalid="true" aria-describedby="{prefix}-{key}-error"'


def _message(errors: Mapping[str, str], key: str, prefix: str) -> str:
    if key not in errors:
        return ""
    return (f'<span class="form-error" id="{prefix}-{key}-error">'
            f"{html.escape(errors[key])}</span>")


def error_summary(errors: Mapping[str, str], prefix: str,
                  words: gettext.NullTranslations = FRENCH) -> str:
    """The list of what to fix, first in the form, each item leading to its field."""
    if not errors:
        return ""
    items = "".join(f'<li><a href="#{prefix}-{key}">{html.escape(message)}</a></li>'
                    for key, message in errors.items())
    intro = words.gettext("<strong>Votre envoi n’a pas été enregistré.</strong> "
                          "À corriger\u00a0:")
    return (f'<div class="form-errors" role="alert" id="{prefix}-errors">'
            f"<p>{intro}</p><ul>{items}</ul></div>\n")


def _honeypot(name: str, prefix: str, words: gettext.NullTranslations) -> str:
    label = words.gettext("Ne remplissez pas ce champ")
    return (f'<div class="petition-hp" aria-hidden="true">\n'
            f'<label for="{prefix}-website">{label}</label>\n'
            f'<input id="{prefix}-website" name="{html.escape(name)}" type="text" tabindex="-1" '
            f'autocomplete="off">\n</div>\n')


def language_field(words: gettext.NullTranslations) -> str:
    """The hidden field that tells the service the form's language, first in the form (the
    service finds it even in a post too large to read whole); none for French, the
    default, so the French form stays as it always was."""
    lang = language_of(words)
    if lang == SOURCE_LANGUAGE:
        return ""
    return f'<input type="hidden" name="{LANGUAGE_FIELD}" value="{html.escape(lang)}">\n'


def petition_form(action: str, *, names: Mapping[str, str] | None = None,
                  values: Mapping[str, str] | None = None,
                  errors: Mapping[str, str] | None = None,
                  call_to_action: str | None = None,
                  privacy_href: str = f"#{PRIVACY_ANCHOR}",
                  partner: tuple[str, str, bool] | None = None,
                  words: gettext.NullTranslations = FRENCH) -> str:
    """A plain form POSTed to `action`: it works with JavaScript off. `partner` (code, name,
    whether it takes its own opt-ins) marks a partner's or mirror's copy of the form;
    `words`, its language (a hidden `lang` field tells the service)."""
    n = {key: html.escape(value) for key, value in {**PETITION_FIELDS, **(names or {})}.items()}
    v, e, p, _ = values or {}, errors or {}, "petition", words.gettext
    button = call_to_action if call_to_action is not None else _("Signer la pétition")
    required = _("Tous les champs sont obligatoires, sauf l’inscription aux nouvelles de la "
                 "campagne.")
    email_hint = _("(pour confirmer votre signature)")
    consent = _("J’accepte que mes données soient traitées pour cette pétition, comme expliqué "
                "dans la {link}notice sur les données personnelles{end}.").format(
        link=f'<a href="{html.escape(privacy_href)}">', end="</a>")
    name, email, postcode = _("Nom et prénom"), _("Adresse électronique"), _("Code postal")
    postcode_hint, postcode_title = _(POSTCODE_HINT), html.escape(_(POSTCODE_TITLE))
    newsletter = _("Je souhaite recevoir des nouvelles de la campagne (facultatif, sans lien "
                   "avec la signature).")
    return f"""<form class="petition-form" method="post" action="{html.escape(action)}" accept-charset="utf-8">
{language_field(words)}{error_summary(e, p, words)}<p class="petition-form__required">{required}</p>
<p><label for="petition-name">{name}</label>
<input id="petition-name" name="{n['name']}" type="text" autocomplete="name" required maxlength="{LIMITS['name']}" value="{_value(v, 'name')}"{_invalid(e, 'name', p)}>{_message(e, 'name', p)}</p>
<p><label for="petition-email">{email} <span class="petition-form__hint" id="petition-email-hint">{email_hint}</span></label>
<input id="petition-email" name="{n['email']}" type="email" autocomplete="email" required maxlength="{LIMITS['email']}" value="{_value(v, 'email')}"{_invalid(e, 'email', p) or ' aria-describedby="petition-email-hint"'}>{_message(e, 'email', p)}</p>
<p><label for="petition-postcode">{postcode} <span class="petition-form__hint" id="petition-postcode-hint">({postcode_hint})</span></label>
<input id="petition-postcode" name="{n['postcode']}" type="text" autocomplete="postal-code" inputmode="numeric" pattern="[0-9]{{5}}" title="{postcode_title}" maxlength="{LIMITS['postcode']}" required value="{_value(v, 'postcode')}"{_invalid(e, 'postcode', p) or ' aria-describedby="petition-postcode-hint"'}>{_message(e, 'postcode', p)}</p>
{_honeypot(n['honeypot'], p, words)}<p class="petition-form__check"><input id="petition-consent" name="{n['consent']}" type="checkbox" value="oui" required{_checked(v, 'consent')}{_invalid(e, 'consent', p)}>
<label for="petition-consent">{consent}</label>{_message(e, 'consent', p)}</p>
<p class="petition-form__check"><input id="petition-newsletter" name="{n['newsletter']}" type="checkbox" value="oui"{_checked(v, 'newsletter')}>
<label for="petition-newsletter">{newsletter}</label></p>
{_partner_fields(n, v, partner, words)}<p class="petition-form__check"><input id="petition-listed" name="{n['listed']}" type="checkbox" value="oui"{_checked(v, 'listed')}>
<label for="petition-listed">{html.escape(_(LISTED_LABEL))}</label></p>
<p><button type="submit" class="md-button md-button--primary">{html.escape(button)}</button></p>
</form>
"""  # noqa: E501 (HTML is easier to review one element a line)


def _partner_fields(n: Mapping[str, str], v: Mapping[str, str],
                    partner: tuple[str, str, bool] | None,
                    words: gettext.NullTranslations) -> str:
    if partner is None:
        return ""
    code, name, takes_news = partner
    hidden = f'<input type="hidden" name="{n["partner"]}" value="{html.escape(code)}">\n'
    if not takes_news:
        return hidden
    return (hidden + f'<p class="petition-form__check"><input id="petition-partner-news" '
            f'name="{n["partner_news"]}" type="checkbox" value="oui"'
            f'{_checked(v, "partner_news")}>\n<label for="petition-partner-news">'
            f"{html.escape(partner_news_label(name, words))}</label></p>\n")


def testimony_form(action: str, *, values: Mapping[str, str] | None = None,
                   errors: Mapping[str, str] | None = None,
                   privacy_href: str = f"#{PRIVACY_ANCHOR}",
                   words: gettext.NullTranslations = FRENCH) -> str:
    """The testimony form: a text, an optional way to reach the author, a consent."""
    n, v, e, p, _ = TESTIMONY_FIELDS, values or {}, errors or {}, "testimony", words.gettext
    limit = format_number(LIMITS["testimony"], words)
    hint = _("(jusqu’à {limit} caractères\u00a0; n’y mettez ni identifiant ni numéro de "
             "sécurité sociale)").format(limit=limit)
    label, contact_label = _("Votre témoignage"), _("Comment vous joindre, si vous le souhaitez")
    send = _("Envoyer mon témoignage")
    contact_hint = _("(facultatif\u00a0: adresse électronique, téléphone…)")
    consent = _("J’accepte que l’équipe lise ce témoignage, comme expliqué dans la {link}notice "
                "sur les données personnelles{end}. Rien ne sera publié sans mon accord.").format(
        link=f'<a href="{html.escape(privacy_href)}">', end="</a>")
    return f"""<form class="testimony-form" method="post" action="{html.escape(action)}" accept-charset="utf-8">
{language_field(words)}{error_summary(e, p, words)}<p><label for="testimony-testimony">{label}</label> <span class="petition-form__hint" id="testimony-testimony-hint">{hint}</span>
<textarea id="testimony-testimony" name="{n['testimony']}" rows="10" required maxlength="{LIMITS['testimony']}"{_invalid(e, 'testimony', p) or ' aria-describedby="testimony-testimony-hint"'}>{_value(v, 'testimony')}</textarea>{_message(e, 'testimony', p)}</p>
<p><label for="testimony-contact">{contact_label}</label> <span class="petition-form__hint" id="testimony-contact-hint">{contact_hint}</span>
<input id="testimony-contact" name="{n['contact']}" type="text" maxlength="{LIMITS['contact']}" value="{_value(v, 'contact')}"{_invalid(e, 'contact', p) or ' aria-describedby="testimony-contact-hint"'}>{_message(e, 'contact', p)}</p>
{_honeypot(n['honeypot'], p, words)}<p class="petition-form__check"><input id="testimony-consent" name="{n['consent']}" type="checkbox" value="oui" required{_checked(v, 'consent')}{_invalid(e, 'consent', p)}>
<label for="testimony-consent">{consent}</label>{_message(e, 'consent', p)}</p>
<p><button type="submit" class="md-button md-button--primary">{send}</button></p>
</form>
"""  # noqa: E501
