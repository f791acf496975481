"""Extension singletons, bound to an app in ``create_app`` with ``init_app``."""

from flask_compress import Compress
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
htmx = HTMX()
compress = Compress()
# The storage of every lock-out counter (see webapp/core/lockout.py). A moving window: "10 in 15
# minutes" holds for any 15 minutes, not per clock-aligned block that lets 20 through at a boundary.
limiter = Limiter(key_func=get_remote_address, strategy="moving-window")
