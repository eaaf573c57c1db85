"""Alert digests: each subscription's undelivered alerts explained (origin, spread, shared passage
or figure, timeline), rendered as multipart HTML + text e-mail, and delivered exactly once per
(recipient, period) through a ledger. See ``_run`` for the delivery guarantee."""

from monitor.digest._deliver import Sender, smtp_sender
from monitor.digest._explain import build_cards, safe_link, shared_passage
from monitor.digest._periods import Period, current_period
from monitor.digest._render import RenderedDigest, render_digest, safe_header, timeline
from monitor.digest._run import preview_message, run_digests, select_cards, wanted

__all__ = [
    "Period",
    "RenderedDigest",
    "Sender",
    "build_cards",
    "current_period",
    "preview_message",
    "render_digest",
    "run_digests",
    "safe_header",
    "safe_link",
    "select_cards",
    "shared_passage",
    "smtp_sender",
    "timeline",
    "wanted",
]
