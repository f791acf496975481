"""What the machines around the app ask it: is the process alive (``/healthz``), can it serve
(``/readyz``, ``readiness.py``), what has it done (``/metrics``, ``webapp/core/metrics.py``)."""
