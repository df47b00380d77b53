"""Running the Alembic migrations from the app, the CLI and the tests (no alembic.ini needed)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig

from lms.resources import shipped


def alembic_config(database_url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(shipped("migrations")))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)
