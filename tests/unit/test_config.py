import pytest

from lms.config import Config, ConfigError


def test_environment_variables_are_read_with_the_prefix():
    cfg = Config.from_env({"LMS_DATABASE_URL": "sqlite://", "LMS_SMTP_PORT": "587", "LMS_SMTP_STARTTLS": "yes"})
    assert cfg.database_url == "sqlite://" and cfg.smtp_port == 587 and cfg.smtp_starttls is True


def test_production_refuses_missing_secrets(tmp_path):
    with pytest.raises(ConfigError, match="LMS_SECRET_KEY"):
        Config(env="production", instance_path=str(tmp_path), database_url="sqlite://").resolved()


def test_production_refuses_the_development_outbox(tmp_path):
    cfg = Config(
        env="production",
        instance_path=str(tmp_path),
        database_url="postgresql+psycopg://x/y",
        secret_key="s" * 40,
        pii_key="a" * 44,
        signing_key_secret="b" * 44,
        redis_url="redis://127.0.0.1:6379/0",
    )
    with pytest.raises(ConfigError, match="LMS_MAIL_BACKEND=smtp"):
        cfg.resolved()


def test_development_creates_instance_secrets_once(tmp_path):
    first = Config(instance_path=str(tmp_path)).resolved()
    second = Config(instance_path=str(tmp_path)).resolved()
    assert first.secret_key == second.secret_key and first.pii_key == second.pii_key
    assert first.secret_key != first.pii_key
    assert first.database_url.startswith("sqlite:///") and first.ratelimit_storage_url == "memory://"


def test_the_three_secrets_must_differ(tmp_path):
    with pytest.raises(ConfigError):
        Config(instance_path=str(tmp_path), secret_key="same", pii_key="same").resolved()
    with pytest.raises(ConfigError):
        Config(instance_path=str(tmp_path), secret_key="a", pii_key="b", signing_key_secret="b").resolved()
