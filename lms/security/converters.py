"""The ``int`` URL converter, bounded: ``<int:cohort_id>`` matches 0 to the database's largest integer only, so a
route value such as ``/notifications/99999999999999999999`` answers 404 instead of reaching the database (where
SQLite raises and PostgreSQL refuses the query)."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, ValidationError

from lms.bounds import DB_INT_MAX


class BoundedIntConverter(IntegerConverter):
    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,  # noqa: A002
                 signed: bool = False) -> None:  # fmt: skip
        super().__init__(map, fixed_digits, 0 if min is None else min, DB_INT_MAX if max is None else max, signed)

    def to_python(self, value: str) -> int:
        if not value.isascii() or len(value.lstrip("-")) > len(str(DB_INT_MAX)):
            raise ValidationError()
        return super().to_python(value)


def init_app(app) -> None:
    """Before any route is added: every ``<int:…>`` of the site is bounded."""
    app.url_map.converters["int"] = BoundedIntConverter
