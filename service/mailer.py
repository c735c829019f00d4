"""Mail out: SMTP in production; in development printed to the console or written to a
folder as .eml files. The confirmation message itself is written here too."""

from __future__ import annotations

import base64
import contextlib
import email.header
import email.utils
import functools
import gettext
import os
import smtplib
import ssl
import sys
from email.header import Header
from pathlib import Path
from urllib.parse import urlsplit

from .markup import FRENCH
from .settings import Settings

Words = gettext.NullTranslations


def confirmation_mail(settings: Settings, link: str, words: Words = FRENCH,
                      portal_url: str | None = None) -> tuple[str, str]:
    """Subject and body of the double opt-in message, in the language of `words` (the
    form's). The reader's name is left out on purpose: the form must not become a way to
    send any text to any address. `portal_url`: the petition page in that language."""
    c, _ = settings.campaign, words.gettext
    title = c.title_in(words)
    days, unconfirmed = c.retention.link_days, c.retention.unconfirmed_days
    subject = _("Confirmez votre signature\u00a0: {title}").format(title=title)
    body = _("Bonjour,\n\nQuelqu’un, sans doute vous, a signé avec cette adresse la pétition\n"
             "«\u00a0{title}\u00a0».\n\n"
             "Pour que la signature compte, ouvrez ce lien (valable {days} jours) et appuyez\n"
             "sur le bouton de la page qu’il ouvre\u00a0:\n\n"
             "{link}\n\n"
             "Si vous n’avez rien signé, ne faites rien\u00a0: sans confirmation, la signature "
             "et\nvotre adresse sont effacées au plus tard {unconfirmed} jours après l’envoi "
             "du formulaire.\n\n"
             "L’équipe du portail\n{portal}\n").format(
        title=title, days=days, link=link, unconfirmed=unconfirmed,
        portal=portal_url or settings.portal_url)
    return subject, body


def already_signed_mail(settings: Settings, words: Words = FRENCH,
                        portal_url: str | None = None) -> tuple[str, str]:
    """Subject and body of the notice sent when an address that has already signed and
    confirmed signs again (at most once a day: storage.MailCap), in the language of the
    form just sent. The page shown after signing is the same for every address; only the
    owner of the mailbox learns this."""
    c, _ = settings.campaign, words.gettext
    title = c.title_in(words)
    subject = _("Votre signature est déjà comptée\u00a0: {title}").format(title=title)
    body = _("Bonjour,\n\nQuelqu’un, sans doute vous, vient de signer à nouveau avec cette "
             "adresse la pétition\n«\u00a0{title}\u00a0».\n\n"
             "Cette adresse a déjà signé et confirmé\u00a0: sa signature est comptée, une "
             "seule fois.\nVous n’avez rien à faire, et rien n’a été modifié.\n\n"
             "Si ce n’était pas vous, ignorez ce message\u00a0: vous n’en recevrez pas d’autre "
             "de ce genre avant demain.\n\n"
             "L’équipe du portail\n{portal}\n").format(
        title=title, portal=portal_url or settings.portal_url)
    return subject, body


CRLF = "\r\n"


@functools.lru_cache(maxsize=16)
def _encoded(name: str, value: str) -> str:
    """A header line's value, RFC 2047-encoded and folded when it is not plain ASCII (the
    subject, the same for every mail: computed once)."""
    if value.isascii() and len(name) + len(value) < 76:
        return value
    charset = "us-ascii" if value.isascii() else "utf-8"
    return Header(value, charset, header_name=name).encode(linesep=CRLF)


@functools.lru_cache(maxsize=4)
def _sender(mail_from: str) -> tuple[str, str]:
    """(From header, envelope sender) of `SERVICE_MAIL_FROM`: only a display name is
    encoded, never the address itself."""
    name, address = email.utils.parseaddr(mail_from)
    return email.utils.formataddr((name, address), charset="utf-8"), address


def build_message(settings: Settings, mail_id: int, recipient: str, subject: str,
                  body: str) -> bytes:
    """A plain-text UTF-8 mail, as the bytes sent (CRLF line ends, body in base64, as
    MIMEText writes it). Written from a template: the email package's generator and header
    folding cost more CPU than the whole rest of a signature."""
    if any(c in recipient for c in "\r\n"):  # addresses are checked before; never a header
        raise ValueError("recipient with a line break")
    host = urlsplit(settings.public_url).hostname or "localhost"
    head = (f"Content-Type: text/plain; charset=\"utf-8\"{CRLF}MIME-Version: 1.0{CRLF}"
            f"Content-Transfer-Encoding: base64{CRLF}"
            f"From: {_sender(settings.mail_from)[0]}{CRLF}To: {recipient}{CRLF}"
            f"Subject: {_encoded('Subject', subject)}{CRLF}"
            f"Date: {email.utils.formatdate(localtime=False)}{CRLF}"
            # One stable identifier per outbox row: a mail sent again after a crash is
            # recognisable.
            f"Message-ID: <outbox-{mail_id}@{host}>{CRLF}"
            f"Auto-Submitted: auto-generated{CRLF}{CRLF}")
    text = base64.encodebytes(body.encode("utf-8")).replace(b"\n", b"\r\n")
    return head.encode("ascii") + text


class Sender:
    """Opens one session per batch of mails:
    `with sender.session() as send: send(mail_id, recipient, message_bytes)`."""

    def __init__(self, settings: Settings):
        self.settings = settings

    @contextlib.contextmanager
    def session(self):
        s = self.settings
        if s.mail_backend == "console":
            yield self._print
        elif s.mail_backend == "folder":
            s.mail_folder.mkdir(parents=True, exist_ok=True)
            yield self._write
        else:
            yield from self._smtp()

    def _smtp(self):
        s = self.settings
        if s.smtp_security == "ssl":
            client = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=20,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=20)
        try:
            if s.smtp_security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                client.login(s.smtp_user, s.smtp_password)
            envelope_from = _sender(s.mail_from)[1]
            yield lambda _mail_id, recipient, data: client.sendmail(envelope_from,
                                                                    [recipient], data)
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                client.quit()

    @staticmethod
    def _print(_mail_id: int, _recipient: str, data: bytes) -> None:
        """Development only: the mail decoded, so its link can be clicked in the terminal."""
        message = email.message_from_bytes(data)
        subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
        body = message.get_payload(decode=True).decode("utf-8")
        sys.stdout.write(f"\n----- courriel (développement, non envoyé) -----\n"
                         f"To: {message['To']}\nSubject: {subject}\n\n"
                         f"{body}----- fin du courriel -----\n")
        sys.stdout.flush()

    def _write(self, mail_id: int, _recipient: str, data: bytes) -> None:
        folder = self.settings.mail_folder
        name = f"outbox-{mail_id}.eml"
        temporary = folder / f".{name}.tmp"
        temporary.write_bytes(data)
        os.replace(temporary, folder / name)


def folder_messages(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.eml"))
