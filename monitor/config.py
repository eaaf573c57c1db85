"""Configuration: one validated pydantic model loaded from YAML, with environment overrides.

Two files: the settings file (``config/monitor.yaml``, optional) and the feeds file
(``config/feeds.yaml``). Errors name the file, the line and the field. Strings may use
``${VAR}`` or ``${VAR:-default}``. Any setting can be overridden from the environment as
``MONITOR_<SECTION>__<FIELD>`` (e.g. ``MONITOR_HTTP__MAX_CONCURRENCY=20``); the common ones
have short names: ``MONITOR_DATABASE_URL``, ``MONITOR_DATA_DIR``, ``MONITOR_SMTP_URL``,
``MONITOR_FEEDS``, ``MONITOR_CONFIG``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from monitor.errors import ConfigError

_M = TypeVar("_M", bound=BaseModel)
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class FeedConfig(_Model):
    """One feed to poll. Only ``name`` and ``url`` are required."""

    name: str = Field(min_length=1, max_length=200)
    url: str
    outlet: str | None = None
    language: str | None = None
    country: str | None = None
    tags: list[str] = Field(default_factory=list)
    interval: int | None = Field(default=None, ge=1, description="polling interval in minutes")
    enabled: bool = True
    fulltext: Literal["auto", "always", "never"] = "never"

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not re.match(r"^https?://[^\s/]+", v):
            raise ValueError("must be an http:// or https:// URL")
        return v

    @field_validator("language")
    @classmethod
    def _iso639(cls, v: str | None) -> str | None:
        if v is None:
            return v
        v = v.strip().lower().replace("_", "-")
        if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", v):
            raise ValueError("must be an ISO 639 language code such as 'en' or 'fa'")
        return v.split("-")[0]

    @property
    def outlet_name(self) -> str:
        return self.outlet or self.name


class FeedsFile(_Model):
    feeds: list[FeedConfig] = Field(default_factory=list)



class HttpSettings(_Model):
    user_agent: str = "monitor/0.1 (+https://github.com/monitor-project/monitor; media monitoring bot)"
    connect_timeout: float = Field(default=10.0, gt=0)
    read_timeout: float = Field(default=20.0, gt=0)
    total_timeout: float = Field(default=30.0, gt=0, description="deadline for a whole request, seconds")
    max_bytes: int = Field(default=10 * 1024 * 1024, gt=0, description="cap on the decompressed body")
    max_redirects: int = Field(default=5, ge=0)
    max_concurrency: int = Field(default=64, ge=1)
    per_host_concurrency: int = Field(default=2, ge=1)
    retries: int = Field(default=2, ge=0)
    retry_backoff: float = Field(default=0.5, ge=0, description="first retry delay, seconds (doubles)")
    max_retry_wait: float = Field(default=10.0, ge=0, description="longest Retry-After waited within a run")
    allow_private_networks: bool = False
    allowed_networks: list[str] = Field(default_factory=list, description="CIDRs allowed despite the SSRF guard")


class FulltextSettings(_Model):
    """Fetching and extracting article pages (monitor.fulltext) for feeds with ``fulltext`` on."""

    min_chars: int = Field(default=400, ge=0, description="`auto`: fetch when the feed text is shorter")
    teaser_markers: list[str] = Field(default_factory=lambda: ["[…]", "[...]", "[&hellip;]", "(…)", "(...)"],
                                      description="`auto`: feed text with one of these is a teaser")
    min_page_chars: int = Field(default=250, ge=1, description="a shorter extraction is not an article")
    per_host_delay: float = Field(default=1.0, ge=0, description="seconds between requests to one host")
    per_host_concurrency: int = Field(default=1, ge=1)
    max_crawl_delay: float = Field(default=30.0, ge=0, description="cap on a robots.txt Crawl-delay")
    respect_robots: bool = True
    robots_user_agent: str = Field(default="monitor", description="the product token matched in robots.txt")
    max_pages_per_run: int = Field(default=1000, ge=1)
    consent_markers: list[str] = Field(default_factory=lambda: [
        "cookie consent", "consent to the use of cookies", "we value your privacy", "accept all cookies",
        "manage cookies", "cookie settings", "your privacy choices", "before you continue",
        "alle akzeptieren", "cookie-einstellungen", "zustimmen und weiter", "tout accepter",
        "gestion des cookies", "принять все", "использование файлов cookie", "قبول الكل",
        "ملفات تعريف الارتباط", "پذیرش همه", "کوکی", "cmp-container", "consent-banner", "didomi", "onetrust",
    ], description="lowercase strings that mark a cookie-consent wall")
    paywall_markers: list[str] = Field(default_factory=lambda: [
        "subscribe to continue", "subscribe to read", "subscribers only", "for subscribers",
        "already a subscriber", "this article is for subscribers", "jetzt abonnieren", "nur für abonnenten",
        "abonnez-vous", "réservé aux abonnés", "только для подписчиков", "للمشتركين فقط", "ویژه مشترکان",
        "\"isaccessibleforfree\": false", "\"isaccessibleforfree\":false", "\"isaccessibleforfree\": \"false\"",
        "\"isaccessibleforfree\":\"false\"", "paywall",
    ], description="lowercase strings that mark a paywall")


class FeedHealthSettings(_Model):
    default_interval: int = Field(default=15, ge=1, description="minutes")
    disable_after_failures: int = Field(default=10, ge=1)
    max_backoff_minutes: int = Field(default=24 * 60, ge=1)


class LanguageSettings(_Model):
    candidates: list[str] = Field(default_factory=list, description="restrict detection; empty = all")
    min_confidence: float = Field(default=0.5, ge=0, le=1)
    max_chars: int = Field(default=2000, ge=50)


class MatchingSettings(_Model):
    num_perm: int = Field(default=128, ge=16)
    # 24 bands of 3 rows: a pair at Jaccard 0.5 (the verification threshold) becomes a candidate
    # with probability 0.96 (32 x 4: 0.87) with 24 index keys per item instead of 32 (PostgreSQL:
    # ~0.8 KB per item instead of ~1.1 KB). Changing either rebuilds the band index from the stored
    # fingerprints on the next analyze run (monitor.lshindex.ensure_band_layout).
    bands: int = Field(default=24, ge=1, description="LSH bands: index keys per item (at most 32)")
    rows: int = Field(default=3, ge=1, description="MinHash values per band")
    shingle_size: int = Field(default=3, ge=1)
    jaccard_threshold: float = Field(default=0.5, ge=0, le=1)
    containment_threshold: float = Field(default=0.7, ge=0, le=1)
    containment_min_jaccard: float = Field(default=0.1, ge=0, le=1,
                                           description="a containment match still needs this Jaccard")
    passage_min_words: int = Field(default=12, ge=1, description="a lone shared passage needs this many words")
    passage_max_items: int = Field(default=50, ge=2, description="passages in more items are boilerplate")
    crosslingual: bool = Field(default=True, description="link translations by shared evidence")
    crosslingual_threshold: float = Field(default=0.2, ge=0, le=1)
    crosslingual_min_shared: int = Field(default=3, ge=1)
    crosslingual_max_candidates: int = Field(
        default=50, ge=1, description="items scored per item: those sharing the most rare evidence")
    crosslingual_min_anchors: int = Field(
        default=2, ge=0, description="shared figures, Latin-script names or URLs a translation link needs")
    crosslingual_max_df: float = Field(default=0.05, gt=0, le=1,
                                       description="ignore evidence carried by more than this share of items")
    batch_size: int = Field(default=500, ge=1)
    workers: int = Field(default=0, ge=0, description="processes normalizing and fingerprinting a batch in "
                         "analyze_pending (0: one per core; 1: in-process)")


class AlertRules(_Model):
    """When alerts are raised (see monitor/alerts.py). Spread windows are measured on publication
    times, so a re-run over the same data raises the same alerts."""

    narrative_min_outlets: int = Field(default=2, ge=2, description="a new narrative alerts at N outlets...")
    narrative_min_languages: int = Field(default=2, ge=2, description="...or at M languages")
    window_hours: int = Field(default=72, ge=1, description="...reached within this long of its first item")
    growth_min_items: int = Field(default=4, ge=2, description="a narrative 'grows fast' with this many items...")
    growth_window_hours: int = Field(default=6, ge=1, description="...published within this many hours")
    figure_min_outlets: int = Field(default=2, ge=2, description="a repeated figure alerts at N outlets")
    figure_mutations: bool = Field(default=True, description="alert when a repeated figure reappears altered")
    high_outlets: int = Field(default=5, ge=2, description="severity high from this many outlets...")
    high_languages: int = Field(default=3, ge=2, description="...or this many languages")
    max_age_days: int = Field(default=30, ge=1, description="ignore narratives and figures last seen before")
    watch_keywords: list[str] = Field(default_factory=list, description="case-insensitive words or phrases")
    watch_entities: list[str] = Field(default_factory=list, description="names, matched as whole words")
    watch_outlets: list[str] = Field(default_factory=list, description="outlet names joining a narrative")
    watch_figures: list[float] = Field(default_factory=list, description="numeric values, e.g. 1500")
    watch_severity: Literal["info", "low", "medium", "high"] = "medium"

    @field_validator("watch_keywords", "watch_entities", "watch_outlets")
    @classmethod
    def _non_blank(cls, v: list[str]) -> list[str]:
        return [t.strip() for t in v if t.strip()]


_HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


def _address(v: str) -> str:
    from email.utils import parseaddr

    if _HEADER_UNSAFE.search(v):
        raise ValueError("must not contain control characters (CR/LF)")
    if "@" not in parseaddr(v)[1]:
        raise ValueError("must be an email address such as 'name@example.org' or 'Name <name@example.org>'")
    return v.strip()


class Subscription(_Model):
    """One recipient's digest: what to include, how often, in which time zone."""

    email: str
    name: str | None = None
    languages: list[str] = Field(default_factory=list, description="only alerts with items in these; empty = all")
    outlets: list[str] = Field(default_factory=list, description="only alerts involving these outlets")
    tags: list[str] = Field(default_factory=list, description="only alerts involving feeds with these tags")
    min_severity: Literal["info", "low", "medium", "high"] = "info"
    frequency: Literal["hourly", "daily", "weekly"] = "daily"
    timezone: str = "UTC"
    send_hour: int = Field(default=8, ge=0, le=23, description="daily/weekly digests are due from this local hour")
    send_weekday: int = Field(default=0, ge=0, le=6, description="weekly digests: 0 = Monday")
    send_empty: bool = Field(default=True, description="send a short 'nothing new' digest for an empty period")
    max_alerts: int = Field(default=30, ge=1, description="alerts shown in full; the rest are listed by title")

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        return _address(v)

    @field_validator("languages")
    @classmethod
    def _langs(cls, v: list[str]) -> list[str]:
        return [x.strip().lower() for x in v if x.strip()]

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r} (use an IANA name such as 'Europe/Berlin')") from None
        return v


class DigestSettings(_Model):
    sender: str = "monitor@localhost"
    reply_to: str | None = None
    subject_prefix: str = Field(default="[monitor]", max_length=40)
    smtp_url: str | None = Field(default=None, description="smtp://user:pass@host:port, or MONITOR_SMTP_URL")
    smtp_timeout: float = Field(default=30.0, gt=0)
    airflow_conn_id: str = "smtp_default"
    send: bool = Field(default=False, description="deliver digests from the monitor_digest DAG (else only render)")
    lookback_days: int = Field(default=7, ge=1, description="oldest alerts a digest may still include")
    sending_lease_minutes: int = Field(default=15, ge=1,
                                       description="a digest left 'sending' this long is presumed crashed")
    subscriptions: list[Subscription] = Field(
        default_factory=lambda: [Subscription(email="analyst@example.org", name="Analyst")]
    )

    @field_validator("sender")
    @classmethod
    def _sender(cls, v: str) -> str:
        return _address(v)

    @field_validator("reply_to")
    @classmethod
    def _reply_to(cls, v: str | None) -> str | None:
        return None if v is None or not v.strip() else _address(v)


class CoordinationSettings(_Model):
    """Coordinated publishing (monitor.coordination): outlets that keep publishing near-identical
    text within minutes of each other. Declared syndication is marked, not flagged."""

    window_minutes: int = Field(default=60, ge=1, description="near-identical texts this close count")
    min_shared: int = Field(default=3, ge=1, description="a pair needs this many shared narratives...")
    lookback_days: int = Field(default=30, ge=1, description="...within this many days")
    wire_agencies: list[str] = Field(default_factory=lambda: ["AP", "Associated Press", "Reuters", "AFP",
                                                              "Agence France-Presse", "dpa"],
                                     description="credited agencies: copies of their copy are syndication")
    owners: dict[str, str] = Field(default_factory=dict, description="outlet -> owner (same owner: syndication)")


class BlindSpotSettings(_Model):
    """What a digest lists under "What we could not see" (monitor.blindspots)."""

    silent_factor: float = Field(default=4.0, gt=1, description="silent for this many times its usual gap...")
    min_silent_hours: int = Field(default=24, ge=1, description="...and at least this many hours")
    min_lang_confidence: float = Field(default=0.5, ge=0, le=1, description="below: language uncertain")
    min_words: int = Field(default=25, ge=1, description="items with fewer words are too short to match")


class Settings(_Model):
    """Everything monitor reads from configuration."""

    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in data_dir")
    data_dir: Path = Path("var")
    feeds_file: Path = Path("config/feeds.yaml")
    ingest_schedule: str = "*/15 * * * *"
    retention_days: int = Field(default=365, ge=1)
    http: HttpSettings = Field(default_factory=HttpSettings)
    feed_health: FeedHealthSettings = Field(default_factory=FeedHealthSettings)
    language: LanguageSettings = Field(default_factory=LanguageSettings)
    matching: MatchingSettings = Field(default_factory=MatchingSettings)
    alerts: AlertRules = Field(default_factory=AlertRules)
    digest: DigestSettings = Field(default_factory=DigestSettings)
    fulltext: FulltextSettings = Field(default_factory=FulltextSettings)
    coordination: CoordinationSettings = Field(default_factory=CoordinationSettings)
    blind_spots: BlindSpotSettings = Field(default_factory=BlindSpotSettings)
    thresholds_version: str = Field(default="2026-11-25.1", min_length=1, max_length=64,
                                    description="bump when matching or alert thresholds change; every alert records it")

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'monitor.db').resolve()}"


# --------------------------------------------------------------------------- loading

def _expand_env(value: Any) -> Any:
    if isinstance(value, str):
        def repl(m: re.Match[str]) -> str:
            name, default = m.group(1), m.group(2)
            got = os.environ.get(name)
            if got is None:
                if default is None:
                    raise KeyError(name)
                return default
            return got
        return _ENV_REF.sub(repl, value)
    if isinstance(value, list):
        return [_expand_env(v) for v in value]
    if isinstance(value, dict):
        return {k: _expand_env(v) for k, v in value.items()}
    return value


def _node_line(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (or of its closest existing parent)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for key in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(key, str):
            for k, v in node.value:
                if getattr(k, "value", None) == key:
                    line, node = k.start_mark.line + 1, v
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read: {e}", path=str(path)) from None
    # One parse gives both the data and the node tree that locates errors by line.
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(e, "problem", None) or str(e)
        raise ConfigError(f"invalid YAML: {problem}", path=str(path), line=line) from None
    finally:
        loader.dispose()
    return data, node


def _validate(model: type[_M], data: Any, path: Path, node: yaml.Node | None) -> _M:
    try:
        data = _expand_env(data if data is not None else {})
    except KeyError as e:
        raise ConfigError(f"environment variable {e.args[0]} is not set", path=str(path)) from None
    try:
        return model.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or None
        raise ConfigError(err["msg"], path=str(path), line=_node_line(node, loc), field=field) from None


def load_feeds(path: str | os.PathLike[str]) -> list[FeedConfig]:
    """Load and validate a feeds file (``feeds: [{name, url, ...}]``)."""
    p = Path(path)
    data, node = _read_yaml(p)
    if isinstance(data, list):  # a bare list of feeds is accepted too
        data = {"feeds": data}
    feeds = _validate(FeedsFile, data, p, node).feeds
    seen: set[str] = set()
    for i, f in enumerate(feeds):
        if f.name in seen:
            raise ConfigError(f"duplicate feed name {f.name!r}", path=str(p),
                              line=_node_line(node, ("feeds", i, "name")), field=f"feeds.{i}.name")
        seen.add(f.name)
    return feeds


def _env_overrides(env: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    short = {
        "MONITOR_DATABASE_URL": ("database_url",),
        "MONITOR_DATA_DIR": ("data_dir",),
        "MONITOR_FEEDS": ("feeds_file",),
        "MONITOR_SMTP_URL": ("digest", "smtp_url"),
    }
    for var, value in env.items():
        if var in short:
            keys: tuple[str, ...] = short[var]
        elif var.startswith("MONITOR_") and "__" in var:
            keys = tuple(p.lower() for p in var[len("MONITOR_"):].split("__"))
        else:
            continue
        cur = out
        for k in keys[:-1]:
            cur = cur.setdefault(k, {})
        cur[keys[-1]] = yaml.safe_load(value) if keys[-1] not in ("database_url", "smtp_url") else value
    return out


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def load_settings(path: str | os.PathLike[str] | None = None,
                  env: Mapping[str, str] | None = None) -> Settings:
    """Load settings from ``path`` (or ``$MONITOR_CONFIG``, or ``config/monitor.yaml`` if present),
    then apply environment overrides."""
    env = os.environ if env is None else env
    chosen = path or env.get("MONITOR_CONFIG")
    p = Path(chosen) if chosen else Path("config/monitor.yaml")
    data: Any = {}
    node: yaml.Node | None = None
    if chosen or p.exists():
        data, node = _read_yaml(p)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ConfigError("expected a mapping of settings", path=str(p), line=1)
    merged = _merge(data, _env_overrides(env))
    where = p if (chosen or p.exists()) else Path("<environment>")
    return _validate(Settings, merged, where, node)
