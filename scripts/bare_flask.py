"""The yardstick of scripts/bench_web.py: a bare Flask app answering 3 KB of HTML, served the
same way (gunicorn, 2 sync workers), so a load run can say what a page costs relative to it --
a figure that holds while the machine's own speed drifts."""

from flask import Flask

app = Flask(__name__)
BODY = "<!doctype html><title>ok</title><p>" + "x" * 3000 + "</p>"


@app.get("/")
def index() -> str:
    return BODY
