"""Extension singletons, bound to an app in ``create_app`` with ``init_app``."""

from flask_compress import Compress
from flask_htmx import HTMX
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
htmx = HTMX()
compress = Compress()
