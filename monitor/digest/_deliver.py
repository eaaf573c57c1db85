"""SMTP delivery from the CLI (the Airflow DAG injects its own sender built on the SMTP provider).
smtplib and socket errors are translated to DeliveryError naming the recipient and server."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from monitor.errors import DeliveryError

Sender = Callable[[EmailMessage], None]
_SCHEMES = {"smtp": 25, "smtps": 465, "smtp+starttls": 587}


def smtp_sender(smtp_url: str, *, timeout: float = 30.0) -> Sender:
    """A sender delivering through the server at ``smtp_url``: ``smtp://[user:pass@]host[:port]``
    (plain), ``smtp+starttls://`` (STARTTLS, port 587) or ``smtps://`` (TLS, port 465)."""
    u = urlsplit(smtp_url)
    if u.scheme not in _SCHEMES:
        raise DeliveryError(f"unsupported SMTP URL scheme {u.scheme!r} (use smtp://, smtp+starttls:// or smtps://)")
    host, port = u.hostname or "localhost", u.port or _SCHEMES[u.scheme]
    user, password = unquote(u.username or ""), unquote(u.password or "")

    def send(message: EmailMessage) -> None:
        try:
            if u.scheme == "smtps":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                                      context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(host, port, timeout=timeout)
            with smtp:
                if u.scheme == "smtp+starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if user:
                    smtp.login(user, password)
                refused = smtp.send_message(message)
            if refused:
                raise DeliveryError(f"SMTP server {host}:{port} refused {', '.join(sorted(refused))}")
        except (OSError, smtplib.SMTPException) as e:
            raise DeliveryError(f"SMTP delivery to {message['To']} via {host}:{port} failed: {e}") from e

    return send
