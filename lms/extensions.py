"""Flask extension objects, bound to an application in ``create_app``; nothing connects at import time."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# No default limits: each sensitive route states its own. Storage comes from the config (Redis in production).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
