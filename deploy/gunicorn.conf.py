"""gunicorn settings of one app instance: ``gunicorn -c deploy/gunicorn.conf.py``.

Every instance is the same and holds nothing between requests (PostgreSQL and Redis do), so
nginx may send any request to any of them. Per-instance values come from the environment:
GUIA_BIND (address:port), GUIA_WORKERS, PROMETHEUS_MULTIPROC_DIR (this instance's own, empty
directory for the metrics of its workers).
"""

import glob
import importlib.util
import os

wsgi_app = "webapp:create_app()"
bind = os.environ.get("GUIA_BIND", "127.0.0.1:8000")
# Sync workers: the app's work is short database reads and CPU (templates, brotli); a worker per
# core is the unit of capacity, and more instances scale it out.
worker_class = "sync"
workers = int(os.environ.get("GUIA_WORKERS", "2"))
# A request still running after 30 s is stuck (the database answers in milliseconds or fails
# within its 2 s connect timeout): its worker is replaced.
timeout = 30
# On SIGTERM (a release, a restart) workers finish the requests they hold, for up to 20 s.
graceful_timeout = 20
# No access log: the app writes one JSON line per request itself (LOG_FORMAT=json), with the
# request id nginx sends. gunicorn's own messages (start, stop, a worker killed) go to stderr.
accesslog = None
errorlog = "-"
loglevel = "info"
# X-Forwarded-Proto is believed only from nginx on this machine.
forwarded_allow_ips = "127.0.0.1"
proc_name = "guia-odonto"
# gunicorn's control socket has one default path per user, which the instances of one machine
# would share; they are managed with signals (TERM to stop, HUP to reload) instead.
control_socket_disable = True

_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server):
    # prometheus-client's multiprocess files of a previous run would be added to this one's.
    if _MULTIPROC_DIR:
        os.makedirs(_MULTIPROC_DIR, exist_ok=True)
        for path in glob.glob(os.path.join(_MULTIPROC_DIR, "*.db")):
            os.remove(path)


# A worker that exits leaves its live gauges behind unless the app's hook marks it dead.
if _MULTIPROC_DIR and importlib.util.find_spec("webapp.core.metrics") is not None:
    from webapp.core.metrics import child_exit  # noqa: F401  (gunicorn reads it from here)
