"""All settings in one frozen record, read once from the environment and an optional .env file."""

from __future__ import annotations

import math
import os
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from index import (
    DEFAULT_ENCODER,
    ContractbotError,
    Limits,
    Reading,
    max_workers,
    workers_bound,
)

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"  # package data: in every install
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as a secret_token


def _data_home(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "contractbot"


class SettingsError(ContractbotError):
    """A setting holds a value that cannot be used (``str(err)`` names the variable)."""


def index_folder(path: Path, *, where: str) -> Path:
    """``path`` as the index folder; SettingsError naming ``where`` (--index or the setting)
    when it is a file: every command would fail on it, a build with "File exists"."""
    return a_folder(path, where=where, what="the index's folder")


def a_folder(path: Path, *, where: str, what: str) -> Path:
    """``path``, a folder a setting (``where``) names; SettingsError when it is a file."""
    if path.exists() and not path.is_dir():
        raise SettingsError(f"{where} {path} is a file, not a folder: give {what}")
    return path


def upload_folder_of(settings: Settings) -> Path:
    """CONTRACTBOT_SOURCES_DIR, checked when the bot starts: a file there let it run, and the
    admin's first upload got 处理时出错了 (FileExistsError in the log)."""
    return a_folder(settings.sources_dir, where="CONTRACTBOT_SOURCES_DIR",
                    what="the folder the bot keeps uploaded contracts in")


def chosen_index(flag: str | Path | None, settings: Settings) -> Path:
    """The index folder a command uses: ``--index`` when given, else CONTRACTBOT_INDEX_DIR
    (``index_folder`` checks either)."""
    if flag:
        return index_folder(Path(flag), where="--index")
    return index_folder(settings.index_dir, where="CONTRACTBOT_INDEX_DIR")


def _ids(raw: str | None, name: str) -> frozenset[int]:
    """Parse a comma-separated list of Telegram ids; blanks are ignored."""
    out: set[int] = set()
    for part in (raw or "").replace(";", ",").split(","):
        part = part.strip()
        if part:
            try:
                out.add(int(part))
            except ValueError:
                raise SettingsError(f"{name}: {part!r} is not a chat or user id (a whole "
                                    "number such as 123456789 or -1001234567890)") from None
    return frozenset(out)


def _port(raw: str | None, name: str, default: int) -> int:
    """A TCP port number from the environment."""
    try:
        port = int(raw) if raw else default
    except ValueError:
        raise SettingsError(f"{name}: {raw!r} is not a port number") from None
    if not 0 < port < 65536:
        raise SettingsError(f"{name}: {port} is not a port number (1 to 65535)")
    return port


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


TELEGRAM_WEBHOOK_PORTS = (443, 80, 88, 8443)  # the public ports Telegram's servers call


def _webhook_url(raw: str | None, *, local_api: bool) -> str | None:
    """The public URL the Bot API calls (None: long polling): HTTPS for Telegram's; a
    self-hosted Bot API server (``local_api``) may call plain HTTP too."""
    if not raw:
        return None
    parts = urlparse(raw.strip())
    schemes = ("https", "http") if local_api else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        want = ("an http:// or https:// URL with a host" if local_api else "an https:// URL "
                "with a host (Telegram calls webhooks over HTTPS only)")
        raise SettingsError(f"TELEGRAM_WEBHOOK_URL: {raw!r} is not {want}")
    try:
        port = parts.port
    except ValueError:
        raise SettingsError(f"TELEGRAM_WEBHOOK_URL: {raw!r} has a port that is not a number "
                            "(1 to 65535)") from None
    if port is not None and port not in TELEGRAM_WEBHOOK_PORTS and not local_api:
        raise SettingsError(f"TELEGRAM_WEBHOOK_URL: Telegram calls webhooks on ports 443, 80, "
                            f"88 or 8443 only, not {port}: let the TLS proxy listen on one "
                            "of them")
    return raw.strip()


def _api_url(raw: str | None, name: str, default: str) -> str:
    """A Bot API base URL (TELEGRAM_BASE_URL, TELEGRAM_BASE_FILE_URL): http:// or https://
    with a host. One without (``api.telegram.org/bot``) failed only when serve connected, as
    "cannot reach the Bot API", exit 1, which a service manager restarts forever."""
    url = (raw or "").strip() or default
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{name}: {raw!r} is not an http:// or https:// URL with a host "
                            f"(the default is {default})")
    return url


def _token(raw: str | None) -> str | None:
    """TELEGRAM_BOT_TOKEN without the blanks around it: a token pasted with a space, or a line
    of a file saved with Windows line ends (an EnvironmentFile, `$(cat token.txt)`), was sent
    as it was, and Telegram's refusal told the operator to check a token that was right. A
    blank or control character inside is refused, without showing the token."""
    token = (raw or "").strip()
    if any(c.isspace() or not c.isprintable() for c in token):
        raise SettingsError("TELEGRAM_BOT_TOKEN: it holds a space or a control character; "
                            "copy it from @BotFather again (it looks like 123456789:AAE…)")
    return token or None


def _level(raw: str | None) -> str:
    """A log level name (default INFO)."""
    level = (raw or "INFO").strip().upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"CONTRACTBOT_LOG_LEVEL: {raw!r} is not a log level "
                            f"({', '.join(LOG_LEVELS)})")
    return level


_ON, _OFF = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _switch(raw: str | None, name: str, default: bool) -> bool:
    """An on/off setting: 1, true, yes, on are on and 0, false, no, off are off (any case);
    unset or empty is ``default``. Anything else is a SettingsError: a typo (``0ff``,
    ``disabled``) silently kept CONTRACTBOT_QUESTION_LOG recording questions."""
    value = (raw or "").strip().lower()
    if not value:
        return default
    if value in _ON or value in _OFF:
        return value in _ON
    raise SettingsError(f"{name}: {raw!r} is not on or off (on, off, 1, 0, true, false, yes, "
                        "no)")


def _count(raw: str | None, name: str, default: int) -> int:
    """A whole number of at least 0 from the environment."""
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise SettingsError(f"{name}: {raw!r} is not a whole number") from None
    if value < 0:
        raise SettingsError(f"{name}: {value} is below 0")
    return value


def _workers(raw: str | None) -> int | None:
    """CONTRACTBOT_BUILD_WORKERS: None (one per core) unset or 0, and at most what this
    machine can run."""
    value = _count(raw, "CONTRACTBOT_BUILD_WORKERS", 0)
    if value > max_workers():
        raise SettingsError(f"CONTRACTBOT_BUILD_WORKERS: {value} is more than {workers_bound()}")
    return value or None


def _seconds(raw: str | None, name: str, default: float) -> float:
    """A number of seconds of at least 0 from the environment."""
    try:
        value = float(raw) if raw else default
        if math.isnan(value):  # it was "nan is below 0"
            raise ValueError(raw)
    except ValueError:
        raise SettingsError(f"{name}: {raw!r} is not a number of seconds") from None
    if value < 0:
        raise SettingsError(f"{name}: {value} is below 0")
    return value


# Every setting with what it does and its default, for `contractbot serve --help` (README's
# Configuration table says more; a test checks both name what Settings.from_env reads).
SETTINGS_HELP: tuple[tuple[str, str], ...] = (
    ("TELEGRAM_BOT_TOKEN", "the bot's token from @BotFather (required)"),
    ("CONTRACTBOT_ALLOWED_CHATS", "chat ids that may ask, comma-separated (default: none)"),
    ("CONTRACTBOT_ADMINS", "user ids that may upload, /reindex, /feedback (default: none)"),
    ("CONTRACTBOT_ACCESS_FILE", "TOML [chats] table: the collections each chat reads "
     "(default: unset)"),
    ("CONTRACTBOT_INDEX_DIR", "the index (default: $XDG_DATA_HOME/contractbot/index)"),
    ("CONTRACTBOT_SOURCES_DIR", "uploaded contracts (default: "
     "$XDG_DATA_HOME/contractbot/contracts)"),
    ("CONTRACTBOT_EMBED_MODEL", f"encoder (default: {DEFAULT_ENCODER}; or use-multilingual)"),
    ("CONTRACTBOT_RULES_FILE", "extra spam-word rules (default: unset)"),
    ("CONTRACTBOT_QUESTION_LOG", "on/off: votes and unanswered questions kept (default: on)"),
    ("CONTRACTBOT_LOG_DAYS", "days question log rows are kept, 0: all (default: 90)"),
    ("CONTRACTBOT_QUESTIONS_PER_MINUTE", "per user, 0: no limit (default: 20)"),
    ("CONTRACTBOT_READ_TIMEOUT", "seconds reading one source may take, 0: no limit "
     "(default: 60)"),
    ("CONTRACTBOT_READ_MEMORY_MB", "memory reading one source may take, 0: no limit "
     "(default: 2048)"),
    ("CONTRACTBOT_BUILD_WORKERS", "worker processes of a build (default: one per core)"),
    ("CONTRACTBOT_LOG_LEVEL", "DEBUG, INFO, WARNING, ERROR or CRITICAL (default: INFO)"),
    ("CONTRACTBOT_LOG_TEXT", "on/off: question and clause text in the logs (default: off)"),
    ("TELEGRAM_BASE_URL", "Bot API base URL (default: https://api.telegram.org/bot)"),
    ("TELEGRAM_BASE_FILE_URL", "Bot API file URL (default: https://api.telegram.org/file/bot)"),
    ("TELEGRAM_WEBHOOK_URL", "public https:// URL for webhook mode (default: unset, long "
     "polling)"),
    ("TELEGRAM_WEBHOOK_LISTEN", "where the webhook server listens (default: 127.0.0.1)"),
    ("TELEGRAM_WEBHOOK_PORT", "its port (default: 8443)"),
    ("TELEGRAM_WEBHOOK_SECRET", "setWebhook's secret token (default: random at each start)"),
)


def settings_help(columns: int = 79) -> str:
    """The settings and their defaults for ``serve --help``, each wrapped to ``columns``."""
    width = max(len(name) for name, _ in SETTINGS_HELP) + 4
    return "\n".join(textwrap.fill(what, columns, initial_indent=f"  {name:<{width - 2}}",
                                   subsequent_indent=" " * width)
                      for name, what in SETTINGS_HELP)


@dataclass(frozen=True)
class Settings:
    """Every setting of contractbot; see the README's Configuration table for defaults."""

    index_dir: Path
    sources_dir: Path
    # True when index_dir is the built-in default (CONTRACTBOT_INDEX_DIR unset): only there
    # may `ask` put the sample contracts, never in a folder the operator named.
    default_index: bool = False
    embed_model: str = DEFAULT_ENCODER
    rules_file: Path | None = None
    telegram_token: str | None = field(default=None, repr=False)
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"  # this machine only: the TLS proxy's side
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)  # None: random at start
    allowed_chats: frozenset[int] = frozenset()
    admins: frozenset[int] = frozenset()
    access_file: Path | None = None  # TOML: which collections each chat reads
    question_log: bool = True  # votes and unanswered questions in feedback.sqlite
    log_days: int = 90  # question log rows older than this are deleted
    log_level: str = "INFO"
    log_text: bool = False  # questions and clause texts in the logs (off: never logged)
    questions_per_minute: int = 20  # per user; 0 = no limit
    read_seconds: float = 60.0  # what reading one source may take; 0 = no limit
    read_memory_mb: int = 2048  # memory reading one source may take; 0 = no limit
    build_workers: int | None = None  # worker processes of a build; None: one per core

    def reading(self, *, cluster: str | None = None, workers: int | None = None) -> Reading:
        """How builds and upload checks read sources: in worker processes within the limits
        (``workers`` overrides the setting), or on the Dask cluster at ``cluster``."""
        return Reading(workers=self.build_workers if workers is None else workers,
                       limits=Limits(self.read_seconds, self.read_memory_mb), cluster=cluster)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
        """Read settings from ``env`` (default: os.environ, after loading ``.env`` from the
        working directory if there is one; variables already set win); SettingsError, naming
        the variable, for a value that cannot be used."""
        if env is None:
            if dotenv:
                from dotenv import load_dotenv

                load_dotenv(Path.cwd() / ".env", override=False)
            env = os.environ
        home = _data_home(env)
        rules = env.get("CONTRACTBOT_RULES_FILE")
        access = env.get("CONTRACTBOT_ACCESS_FILE")
        secret = env.get("TELEGRAM_WEBHOOK_SECRET") or None
        if secret is not None and not _SECRET.fullmatch(secret):
            raise SettingsError("TELEGRAM_WEBHOOK_SECRET: 1 to 256 of A-Z, a-z, 0-9, _ and -")
        return cls(
            index_dir=Path(env.get("CONTRACTBOT_INDEX_DIR") or home / "index"),
            sources_dir=Path(env.get("CONTRACTBOT_SOURCES_DIR") or home / "contracts"),
            default_index=not env.get("CONTRACTBOT_INDEX_DIR"),
            embed_model=env.get("CONTRACTBOT_EMBED_MODEL") or DEFAULT_ENCODER,
            rules_file=Path(rules) if rules else None,
            telegram_token=_token(env.get("TELEGRAM_BOT_TOKEN")),
            telegram_base_url=_api_url(env.get("TELEGRAM_BASE_URL"), "TELEGRAM_BASE_URL",
                                       "https://api.telegram.org/bot"),
            telegram_base_file_url=_api_url(env.get("TELEGRAM_BASE_FILE_URL"),
                                            "TELEGRAM_BASE_FILE_URL",
                                            "https://api.telegram.org/file/bot"),
            webhook_url=_webhook_url(env.get("TELEGRAM_WEBHOOK_URL"),
                                     local_api=bool(env.get("TELEGRAM_BASE_URL"))),
            webhook_listen=env.get("TELEGRAM_WEBHOOK_LISTEN") or "127.0.0.1",
            webhook_port=_port(env.get("TELEGRAM_WEBHOOK_PORT"), "TELEGRAM_WEBHOOK_PORT", 8443),
            webhook_secret=secret,
            allowed_chats=_ids(env.get("CONTRACTBOT_ALLOWED_CHATS"), "CONTRACTBOT_ALLOWED_CHATS"),
            admins=_ids(env.get("CONTRACTBOT_ADMINS"), "CONTRACTBOT_ADMINS"),
            access_file=Path(access) if access else None,
            question_log=_switch(env.get("CONTRACTBOT_QUESTION_LOG"),
                                 "CONTRACTBOT_QUESTION_LOG", True),
            log_days=_count(env.get("CONTRACTBOT_LOG_DAYS"), "CONTRACTBOT_LOG_DAYS", 90),
            log_level=_level(env.get("CONTRACTBOT_LOG_LEVEL")),
            log_text=_switch(env.get("CONTRACTBOT_LOG_TEXT"), "CONTRACTBOT_LOG_TEXT", False),
            questions_per_minute=_count(env.get("CONTRACTBOT_QUESTIONS_PER_MINUTE"),
                                        "CONTRACTBOT_QUESTIONS_PER_MINUTE", 20),
            read_seconds=_seconds(env.get("CONTRACTBOT_READ_TIMEOUT"),
                                  "CONTRACTBOT_READ_TIMEOUT", 60.0),
            read_memory_mb=_count(env.get("CONTRACTBOT_READ_MEMORY_MB"),
                                  "CONTRACTBOT_READ_MEMORY_MB", 2048),
            build_workers=_workers(env.get("CONTRACTBOT_BUILD_WORKERS")),
        )
