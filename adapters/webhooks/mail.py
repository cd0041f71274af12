"""``Mailer`` over SMTP with aiosmtplib: STARTTLS (required unless turned off), then login."""

from email.message import EmailMessage

import aiosmtplib

from adapters.webhooks.settings import SmtpSettings
from core.ports.notifications import Mailer, MailUnavailable


class SmtpMailer(Mailer):
    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    async def send(self, to: list[str], subject: str, text: str) -> None:
        s = self._settings
        if not s.host:
            raise MailUnavailable("no SMTP server configured (BHIV_SMTP_HOST)")
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = s.sender, ", ".join(to), subject
        message.set_content(text)
        try:
            await aiosmtplib.send(
                message,
                hostname=s.host,
                port=s.port,
                username=s.username,
                password=s.password,
                start_tls=s.starttls,
                cert_bundle=s.ca_file,
                use_tls=False,
                timeout=s.timeout_seconds,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            raise MailUnavailable(f"SMTP {s.host}:{s.port}: {error}") from None
