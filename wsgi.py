"""gunicorn entry point from a checkout (``gunicorn wsgi:app``); an installed site uses ``gunicorn 'lms:create_app()'``."""

from lms import create_app

app = create_app()
