"""Configuration: one dataclass, read from ``LMS_*`` environment variables in one place.

Nothing here runs at import time. ``create_app`` calls :meth:`Config.from_env` when it is given no config, and
tests build a :class:`Config` directly.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from lms.resources import default_instance_path


class ConfigError(RuntimeError):
    """Raised when the configuration cannot make a safe application."""


@dataclass
class Config:
    #: "development" or "production"; production refuses unsafe defaults.
    env: str = "development"
    #: SQLite file and development keys; LMS_INSTANCE_PATH, else ``$XDG_DATA_HOME/lms`` or ``~/.local/share/lms``.
    instance_path: str = field(default_factory=default_instance_path)
    #: SQLAlchemy URL. Default: a SQLite file in the instance folder.
    database_url: str | None = None
    #: Redis for rate limits in production (``redis://127.0.0.1:6379/0``).
    redis_url: str | None = None
    secret_key: str | None = None
    #: Base64 key (32 bytes) for personal data (身份证号) encryption; never the secret key.
    pii_key: str | None = None
    #: Base64 key (32 bytes) that encrypts the Ed25519 signing keys stored in the database.
    signing_key_secret: str | None = None
    #: "outbox" (stored in the database, shown at /dev/outbox) or "smtp".
    mail_backend: str = "outbox"
    mail_sender: str = "no-reply@lms.example.com"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    #: The training institution named on certificates of the shared catalogue (org courses name their org).
    issuer_name: str = "主播学堂"
    #: The site's public base URL, used in mails (reset links) and later in QR codes.
    base_url: str = "http://127.0.0.1:5000"
    #: Rate limit storage: memory in development, Redis in production.
    ratelimit_storage_url: str | None = None
    #: Language used when the browser asks for neither supported language.
    default_locale: str = "zh_CN"
    password_reset_minutes: int = 60
    #: Text messages (the password-reset code for phone-number accounts): "outbox" (development, shown at
    #: /dev/outbox), "none" (no provider: the forgot-password page tells phone users how to get help) or
    #: "aliyun" (Alibaba Cloud SMS, with the four ``sms_*`` settings below) or "tencent" (Tencent Cloud SMS: the
    #: same four, the key pair being a SecretId/SecretKey, and ``sms_app_id``). See docs/operations.md.
    sms_backend: str = "outbox"
    sms_access_key_id: str | None = None
    sms_access_key_secret: str | None = None
    #: The approved signature (签名) and the template (模板) with one variable, the code (its code or ID).
    sms_sign_name: str | None = None
    sms_template_code: str | None = None
    #: Tencent Cloud only: the SMS application's SdkAppId, and the API region.
    sms_app_id: str | None = None
    sms_region: str = "ap-guangzhou"
    #: A reset code by SMS is valid this long, and this many wrong tries void it.
    sms_code_minutes: int = 10
    sms_code_attempts: int = 5
    invitation_days: int = 14
    login_lockout_failures: int = 5
    login_lockout_minutes: int = 15
    #: A lesson completes when its end is reached after this share of its estimated minutes was studied.
    lesson_completion_ratio: float = 0.5
    #: How often an open, visible lesson page reports presence.
    heartbeat_seconds: int = 30
    #: Which identity-check provider a programme requiring identity checks uses (lms/evidence/identity.py):
    #: "snapshot" (consented camera snapshots kept for review), "none", or "fake" (tests only).
    identity_provider: str = "snapshot"
    #: Hosts are reminded of an assigned course this many (China) days before its deadline.
    deadline_notice_days: int = 3
    #: How many reverse proxies in front of the app set ``X-Forwarded-For/-Proto/-Host`` (0: none is trusted, the
    #: headers are ignored). Rate limits are keyed by the client address these give.
    trusted_proxies: int = 0
    #: The job queue: "sqlite:///FILE" (default: jobs.sqlite3 in the instance folder), "redis://…" (default when
    #: LMS_REDIS_URL is set), or "immediate" (each job runs inside the commit that queued it; tests).
    job_queue: str | None = None
    #: Bulk-check files larger than this many bytes are checked by a background job with a progress page.
    bulk_check_job_bytes: int = 200_000
    #: How many different ID numbers one bureau may compare with one certificate's holder in any 24 hours, over
    #: all its uploads, background checks and API calls (docs/privacy.md); further rows say "not checked".
    bureau_id_tries_per_day: int = 3
    #: Host imports of more than this many hosts are created by a background job.
    host_import_job_rows: int = 300
    #: Course zips larger than this many bytes are imported by a background job.
    zip_import_job_bytes: int = 2_000_000
    #: A folder of the operator's own self-check instrument files (check them with `lms instruments check DIR`),
    #: offered besides the shipped ones; a shipped instrument's id cannot be taken over.
    instruments_dir: str | None = None
    #: Extra Flask settings, applied last (tests use it for TESTING etc.).
    flask: dict = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None) -> "Config":
        env = os.environ if environ is None else environ
        values: dict = {}
        for f in dataclasses.fields(cls):
            if f.name == "flask":
                continue
            raw = env.get("LMS_" + f.name.upper())
            if raw is None:
                continue
            if f.type in ("int", "float"):
                try:
                    values[f.name] = int(raw) if f.type == "int" else float(raw)
                except ValueError:
                    raise ConfigError(f"LMS_{f.name.upper()} must be a number, not {raw!r}") from None
            elif f.type in ("bool",):
                values[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
            else:
                values[f.name] = raw
        return cls(**values)

    def resolved(self) -> "Config":
        """Fill in defaults that depend on the instance folder; refuse unsafe production settings."""
        cfg = dataclasses.replace(self)
        instance = Path(cfg.instance_path)
        if cfg.is_production:
            missing = [
                name
                for name in ("database_url", "secret_key", "pii_key", "signing_key_secret", "redis_url")
                if not getattr(cfg, name)
            ]
            if missing:
                raise ConfigError(
                    "production needs " + ", ".join("LMS_" + m.upper() for m in missing)
                )
            if cfg.mail_backend == "outbox":
                raise ConfigError("production needs LMS_MAIL_BACKEND=smtp (the outbox is for development)")
            if cfg.sms_backend == "outbox":
                cfg.sms_backend = "none"  # the outbox is for development; no provider means no SMS, said so
        if cfg.identity_provider not in ("snapshot", "none", "fake"):
            raise ConfigError("LMS_IDENTITY_PROVIDER must be snapshot or none")
        if cfg.sms_backend not in ("outbox", "none", "aliyun", "tencent"):
            raise ConfigError("LMS_SMS_BACKEND must be outbox (development), none, aliyun or tencent")
        if cfg.sms_backend in ("aliyun", "tencent"):
            needed = ("sms_access_key_id", "sms_access_key_secret", "sms_sign_name", "sms_template_code")
            needed += ("sms_app_id",) if cfg.sms_backend == "tencent" else ()
            unset = [name for name in needed if not getattr(cfg, name)]
            if unset:
                raise ConfigError(f"LMS_SMS_BACKEND={cfg.sms_backend} needs " + ", ".join("LMS_" + u.upper() for u in unset))
        if not 0 <= cfg.trusted_proxies <= 5:
            raise ConfigError("LMS_TRUSTED_PROXIES must be 0 (no proxy) to 5: the number of proxies in front of the site")
        instance.mkdir(parents=True, exist_ok=True)
        if not cfg.database_url:
            cfg.database_url = "sqlite:///" + str(instance / "lms.sqlite3")
        if not cfg.secret_key:
            cfg.secret_key = _instance_secret(instance / "secret_key", lambda: secrets.token_urlsafe(48))
        if not cfg.pii_key:
            cfg.pii_key = _instance_secret(
                instance / "pii_key", lambda: base64.b64encode(secrets.token_bytes(32)).decode()
            )
        if not cfg.signing_key_secret:
            cfg.signing_key_secret = _instance_secret(
                instance / "signing_key_secret", lambda: base64.b64encode(secrets.token_bytes(32)).decode()
            )
        if len({cfg.pii_key, cfg.secret_key, cfg.signing_key_secret}) < 3:
            raise ConfigError("LMS_SECRET_KEY, LMS_PII_KEY and LMS_SIGNING_KEY_SECRET must all differ")
        if cfg.pii_key == cfg.secret_key:
            raise ConfigError("LMS_PII_KEY must not be the secret key")
        if not cfg.job_queue:
            cfg.job_queue = cfg.redis_url or "sqlite:///" + str(instance / "jobs.sqlite3")
        if not cfg.ratelimit_storage_url:
            cfg.ratelimit_storage_url = cfg.redis_url or "memory://"
        return cfg


def _instance_secret(path: Path, make) -> str:
    """Read a development secret from the instance folder, creating it once."""
    if path.exists():
        return path.read_text().strip()
    value = make()
    path.write_text(value)
    path.chmod(0o600)
    return value
