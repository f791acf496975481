"""Page-or-fragment rendering for htmx.

One template per page; a fragment is a named block of that template.  A fragment is returned
only for a plain htmx request aimed at that fragment's target — never for boosted navigation
or a history restore, which need the whole page.  Responses that vary on it say so.
"""

from __future__ import annotations

from flask import make_response, render_template, request
from jinja2_fragments.flask import render_block


def wants_fragment(target_id: str) -> bool:
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-History-Restore-Request") != "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-Target") == target_id
    )


def render_page(template: str, fragments: dict[str, str] | None = None, status: int = 200, **context):
    """Render *template*, or one of its blocks when htmx asks for its target.

    *fragments* maps an htmx target id to the block that renders it.
    """
    for target_id, block in (fragments or {}).items():
        if wants_fragment(target_id):
            response = make_response(render_block(template, block, **context), status)
            break
    else:
        response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    response.vary.add("HX-Target")
    return response
