"""Settings from `TRATO_*` environment variables and an optional `trato.toml`.

Environment variables win over the file, so that a container or a systemd unit
can override one value without editing the instance folder.
"""
from __future__ import annotations

import os
import secrets
import tempfile
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .errors import ConfigError


@dataclass
class Settings:
    """Every setting Trato reads; docs/configuration.md lists them all."""

    instance_path: Path = Path("instance")
    database_url: str = ""
    secret_key: str = ""
    theme: str = "default"
    default_locale: str = "en"
    default_timezone: str = "UTC"
    default_currency: str = ""  # empty: the currency of default_locale's country (EUR for es)
    redis_url: str = ""
    replica_url: str = ""  # a PostgreSQL streaming replica for reads that may lag (replica.py)
    replica_max_wait_ms: int = 500  # how long such a read waits for the replica to catch up before it uses the primary
    base_url: str = "http://127.0.0.1:5000"
    session_cookie_secure: bool | None = None  # None: decided from base_url (sessions.cookie_secure)
    trace_hooks: bool = False
    log_level: str = "INFO"
    recycle_retention_days: int = 30
    max_upload_mb: int = 25
    upload_dir: str = ""  # attachments; empty means `uploads` in the instance folder
    backup_dir: str = ""  # scheduled and pre-upgrade backups; empty means `backups` in the instance folder
    backup_keep: int = 7  # scheduled backups kept (the newest); 0 turns them off
    jobs_immediate: bool = False
    run_worker: bool = True  # `trato run` starts a job worker with the server (cli/run.py)
    job_stale_seconds: int = 60  # a running job silent this long died with its worker (jobs.py)
    slow_filter_ms: int = 300  # a list page or count this slow notes the fields it filtered on (filter_indexes)
    filter_index_after: int = 3  # slow runs of a field's filter before its index is made (filter_indexes)
    metrics_token: str = ""  # empty: /metrics for loopback only (metrics.py)
    log_format: str = "text"  # or "json" (logs.py)
    session_idle_minutes: int = 480
    session_max_days: int = 7
    login_max_failures: int = 5
    login_max_failures_per_ip: int = 20
    login_lockout_minutes: int = 15
    api_requests_per_minute: int = 600
    api_requests_per_minute_per_ip: int = 1200
    api_max_failures_per_ip: int = 60
    api_lockout_minutes: int = 10
    invite_valid_hours: int = 72
    default_role: str = "sales_rep"
    trusted_proxies: int = 0
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_from: str = "trato@localhost"
    mail_attachment_max_mb: int = 25  # a received message keeps its larger attachments out, with a note (mailin/)
    smtp_tls: bool = False  # TLS from the first byte (port 465), rather than STARTTLS
    mail_per_hour: int = 0  # messages the outbox sends per hour, all workers together; 0: no limit (mail/outbox.py)
    mail_max_attempts: int = 8  # tries of a message the server refuses for now, before it is failed
    mail_stale_seconds: int = 300  # a message claimed this long ago by a silent worker: that worker died
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        """The company's currency: money fields without one of their own start with it."""
        from .fields.money import locale_currency

        return self.default_currency or locale_currency(self.default_locale)

    @property
    def huey_path(self) -> Path:
        return self.instance_path / "jobs.db"

    @property
    def upload_path(self) -> Path:
        return Path(self.upload_dir).expanduser() if self.upload_dir else self.instance_path / "uploads"

    @property
    def backup_path(self) -> Path:
        return Path(self.backup_dir).expanduser() if self.backup_dir else self.instance_path / "backups"


_LOCALES = ("en", "es")


def _coerce(name: str, kind: Any, raw: Any) -> Any:
    """Turn a raw string or TOML value into the setting's type, or say why not."""
    if kind in (bool, bool | None):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        optional = kind is not bool  # unset ("auto" or empty) means "decide for me"
        if optional and text in ("", "auto"):
            return None
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        expected = "true, false or auto" if optional else "true or false"
        raise ConfigError(f"TRATO_{name.upper()}: expected {expected}, got {raw!r}")
    if kind is int:
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"TRATO_{name.upper()}: expected a whole number, got {raw!r}") from None
    if kind is Path:
        return Path(str(raw)).expanduser()
    return str(raw)


def load_settings(instance_path: str | Path | None = None, **overrides: Any) -> Settings:
    """Read the file, then the environment, then explicit overrides, and validate."""
    base = Path(instance_path or os.environ.get("TRATO_INSTANCE_PATH") or "instance").resolve()
    values: dict[str, Any] = {}
    toml_file = base / "trato.toml"
    if toml_file.is_file():
        try:
            values.update(tomllib.loads(toml_file.read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{toml_file}: not valid TOML ({exc})") from None
    hints = get_type_hints(Settings)
    known = {f.name for f in fields(Settings)} - {"extra", "instance_path"}
    for name in known:
        env = os.environ.get(f"TRATO_{name.upper()}")
        if env is not None:
            values[name] = env
    values.update(overrides)
    unknown = set(values) - known - {"instance_path"}
    if unknown:
        raise ConfigError(
            f"{toml_file}: unknown setting(s) {', '.join(sorted(unknown))}; see docs/configuration.md"
        )
    clean = {k: _coerce(k, hints[k], v) for k, v in values.items() if k != "instance_path"}
    settings = Settings(instance_path=base, **clean)
    _validate(settings)
    return settings


def _validate(settings: Settings) -> None:
    if settings.default_locale not in _LOCALES:
        raise ConfigError(
            f"TRATO_DEFAULT_LOCALE: {settings.default_locale!r} is not a shipped language; "
            f"use one of {', '.join(_LOCALES)}"
        )
    if settings.log_format not in ("text", "json"):
        raise ConfigError(f"TRATO_LOG_FORMAT: {settings.log_format!r} is not a log format; use text or json")
    from .fields.money import current_currencies

    settings.default_currency = settings.default_currency.strip().upper()
    if settings.default_currency and settings.default_currency not in current_currencies():
        raise ConfigError(
            f"TRATO_DEFAULT_CURRENCY: {settings.default_currency!r} is not a current ISO 4217 code such as EUR or USD"
        )
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(settings.default_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"TRATO_DEFAULT_TIMEZONE: {settings.default_timezone!r} is not a time zone name such as Europe/Madrid"
        ) from None
    if settings.database_url:
        try:
            url = make_url(settings.database_url)
        except ArgumentError:
            raise ConfigError(
                f"TRATO_DATABASE_URL: {settings.database_url!r} is not a database URL "
                "(expected sqlite:///path or postgresql://user@host/db)"
            ) from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ConfigError(
                f"TRATO_DATABASE_URL: {url.get_backend_name()} is not supported; use sqlite or postgresql"
            )
    if settings.replica_url:
        _validate_replica(settings)
    for name in ("recycle_retention_days", "session_idle_minutes", "session_max_days", "login_max_failures",
                 "login_max_failures_per_ip", "login_lockout_minutes", "invite_valid_hours", "smtp_port",
                 "max_upload_mb", "api_requests_per_minute", "api_requests_per_minute_per_ip",
                 "api_max_failures_per_ip", "api_lockout_minutes", "job_stale_seconds", "mail_max_attempts",
                 "mail_stale_seconds"):
        if getattr(settings, name) < 1:
            raise ConfigError(f"TRATO_{name.upper()}: must be at least 1")
    if settings.trusted_proxies < 0:
        raise ConfigError("TRATO_TRUSTED_PROXIES: must be 0 or more")
    if settings.mail_per_hour < 0:
        raise ConfigError("TRATO_MAIL_PER_HOUR: must be 0 (no limit) or more")
    if settings.backup_keep < 0:
        raise ConfigError("TRATO_BACKUP_KEEP: must be 0 (no scheduled backups) or more")


def _validate_replica(settings: Settings) -> None:
    """A read replica is a PostgreSQL server following a PostgreSQL primary."""
    try:
        backend = make_url(settings.replica_url).get_backend_name()
    except ArgumentError:
        backend = ""
    if backend != "postgresql":
        raise ConfigError(f"TRATO_REPLICA_URL: {settings.replica_url!r} is not a PostgreSQL URL "
                          "(postgresql://user@host/db)")
    if not settings.database_url.startswith("postgresql"):
        raise ConfigError("TRATO_REPLICA_URL: a read replica needs the database (TRATO_DATABASE_URL) on PostgreSQL")
    if settings.replica_max_wait_ms < 0:
        raise ConfigError("TRATO_REPLICA_MAX_WAIT_MS: must be 0 or more")


def prepare_instance(settings: Settings) -> Settings:
    """Create the instance folder, default the database and the secret key.

    The secret key is generated once and kept in the instance folder, so that
    sessions survive a restart and every worker on the machine signs alike.
    The folder must be writable: the SQLite database, the job queue, uploads
    and imports live there too, so a read-only one is refused at start in one
    line naming it, rather than failing later, request by request.
    """
    folder = settings.instance_path
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the instance folder {folder}: {exc.strerror}") from None
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ConfigError(f"the instance folder {folder} is not writable ({exc.strerror}): Trato keeps its "
                          "secret key, SQLite database, job queue and uploads there; make it writable by the user "
                          "running Trato, or set TRATO_INSTANCE_PATH to another folder") from None
    if not settings.database_url:
        settings.database_url = f"sqlite:///{settings.instance_path / 'trato.db'}"
    if not settings.secret_key:
        key_file = settings.instance_path / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            key_file.chmod(0o600)
        settings.secret_key = key_file.read_text(encoding="utf-8").strip()
    return settings
