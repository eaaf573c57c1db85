"""Digest periods in the recipient's time zone. A period is named by its scheduled send time (the
latest one not after "now"), so however often the scheduler calls, each slot yields one digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.config import Subscription
from monitor.timeutil import as_utc


@dataclass(frozen=True, slots=True)
class Period:
    key: str  # ledger key, e.g. "daily:2026-11-25" (the recipient's local date)
    label: str  # for people, e.g. "Wednesday 25 November 2026"
    slot: datetime  # the scheduled send time (local, aware)


_LABELS = {"hourly": "%A %d %B %Y, %H:00", "weekly": "week of %A %d %B %Y", "daily": "%A %d %B %Y"}


def _period(key: str, slot: datetime) -> Period:
    return Period(key, slot.strftime(_LABELS.get(key.partition(":")[0], _LABELS["daily"])), slot)


def current_period(sub: Subscription, now: datetime) -> Period:
    """The latest send slot of ``sub`` not after ``now``: hourly at each local hour, daily at
    ``send_hour`` local, weekly at ``send_hour`` on ``send_weekday``. A slot missed because no run
    happened is still sent by the next run (as that slot), and a digest always carries every alert
    not delivered yet, so nothing is skipped."""
    local = as_utc(now).astimezone(ZoneInfo(sub.timezone))
    if sub.frequency == "hourly":
        slot = local.replace(minute=0, second=0, microsecond=0)
        return _period(f"hourly:{slot:%Y-%m-%dT%H}", slot)
    slot = local.replace(hour=sub.send_hour, minute=0, second=0, microsecond=0)
    if sub.frequency == "weekly":
        slot -= timedelta(days=(local.weekday() - sub.send_weekday) % 7)
        if slot > local:
            slot -= timedelta(days=7)
        iso = slot.isocalendar()
        return _period(f"weekly:{iso.year}-W{iso.week:02d}", slot)
    if slot > local:
        slot -= timedelta(days=1)
    return _period(f"daily:{slot:%Y-%m-%d}", slot)


def period_from_key(key: str, sub: Subscription) -> Period:
    """The Period named by a ledger key (to re-send a digest claimed by an earlier run)."""
    kind, _, when = key.partition(":")
    zone = ZoneInfo(sub.timezone)
    try:
        if kind == "hourly":
            return _period(key, datetime.strptime(when, "%Y-%m-%dT%H").replace(tzinfo=zone))
        if kind == "weekly":
            year, week = when.split("-W")
            return _period(key, datetime.fromisocalendar(int(year), int(week), sub.send_weekday + 1).replace(
                hour=sub.send_hour, tzinfo=zone))
        return _period(key, datetime.strptime(when, "%Y-%m-%d").replace(hour=sub.send_hour, tzinfo=zone))
    except ValueError:
        return Period(key, when, datetime.min.replace(tzinfo=zone))
