"""Mail out: SMTP in production; in development printed to the console or written to a
folder as .eml files. The confirmation message itself is written here too."""

from __future__ import annotations

import contextlib
import email.header
import email.utils
import os
import smtplib
import ssl
import sys
from email.header import Header
from email.message import Message
from email.mime.text import MIMEText
from pathlib import Path
from urllib.parse import urlsplit

from .settings import Settings


def confirmation_mail(settings: Settings, link: str) -> tuple[str, str]:
    """Subject and body of the double opt-in message. The reader's name is left out on
    purpose: the form must not become a way to send any text to any address."""
    c = settings.campaign
    days, unconfirmed = c.retention.link_days, c.retention.unconfirmed_days
    subject = f"Confirmez votre signature : {c.title}"
    body = (f"Bonjour,\n\nQuelqu’un, sans doute vous, a signé avec cette adresse la pétition\n"
            f"« {c.title} ».\n\n"
            f"Pour que la signature compte, ouvrez ce lien (valable {days} jours) :\n\n"
            f"{link}\n\n"
            f"Si vous n’avez rien signé, ne faites rien : sans confirmation, la signature et\n"
            f"votre adresse sont effacées au plus tard {unconfirmed} jours après l’envoi du "
            f"formulaire.\n\n"
            f"L’équipe du portail\n{settings.portal_url}\n")
    return subject, body


def build_message(settings: Settings, mail_id: int, recipient: str, subject: str,
                  body: str) -> MIMEText:
    """A plain-text UTF-8 mail. MIMEText (the compat32 policy), not EmailMessage: the
    latter's header folding cost more CPU than the rest of a signature."""
    message = MIMEText(body, "plain", "utf-8")
    message["From"] = settings.mail_from
    message["To"] = recipient
    message["Subject"] = Header(subject, "utf-8")
    message["Date"] = email.utils.formatdate(localtime=False)
    host = urlsplit(settings.public_url).hostname or "localhost"
    # One stable identifier per outbox row: a mail sent again after a crash is recognisable.
    message["Message-ID"] = f"<outbox-{mail_id}@{host}>"
    message["Auto-Submitted"] = "auto-generated"
    return message


class Sender:
    """Opens one session per batch of mails: `with sender.session() as send: send(msg)`."""

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
            yield client.send_message
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                client.quit()

    @staticmethod
    def _print(message: Message) -> None:
        """Development only: the mail decoded, so its link can be clicked in the terminal."""
        subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
        body = message.get_payload(decode=True).decode("utf-8")
        sys.stdout.write(f"\n----- courriel (développement, non envoyé) -----\n"
                         f"To: {message['To']}\nSubject: {subject}\n\n"
                         f"{body}----- fin du courriel -----\n")
        sys.stdout.flush()

    def _write(self, message: Message) -> None:
        folder = self.settings.mail_folder
        name = message["Message-ID"].strip("<>").split("@")[0] + ".eml"
        temporary = folder / f".{name}.tmp"
        temporary.write_bytes(bytes(message))
        os.replace(temporary, folder / name)


def folder_messages(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.eml"))
