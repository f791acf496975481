"""Public URLs are a contract: removing or renaming one must be a conscious act."""

PUBLIC_ROUTES = {
    ("/", "core.home"),
    ("/planos/", "plans.index"),
    ("/planos/<slug>", "plans.detail"),
}


def test_public_routes_are_the_expected_ones(app):
    routes = {(rule.rule, rule.endpoint) for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routes == PUBLIC_ROUTES
