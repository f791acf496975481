"""Public URLs are a contract: removing or renaming one must be a conscious act."""

PUBLIC_ROUTES = {
    ("/", "core.home"),
    ("/planos", "plans.index"),
    ("/planos/<slug>", "plans.detail"),
    ("/planos/<slug>/coberturas", "plans.coverage"),
    ("/planos/<slug>/carencias", "plans.waiting"),
    ("/rede", "network.search"),
    ("/rede/municipios", "network.suggest_municipalities"),
    ("/rede/dentista/<id:provider_id>", "network.provider"),
    ("/rede/dentista/<id:provider_id>-<slug>", "network.provider"),
    ("/rede/dentista/<id:provider_id>/erro", "network.report_error"),
    ("/rede/alteracoes", "network.changes"),
    ("/api/v1/rede", "api.search"),
    ("/api/v1/rede/dentista/<id:provider_id>", "api.provider"),
    ("/api/v1/openapi.json", "api.openapi_document"),
    ("/api/v1/planos/<slug>", "api.plan"),
    ("/api/v1/planos/<slug>/carencias", "api.plan_waiting"),
    ("/entrar", "members.sign_in"),
    ("/primeiro-acesso", "members.first_access"),
    ("/sair", "members.sign_out"),
    ("/carteirinha", "members.card"),
    ("/minhas-carencias", "members.waiting_periods"),
    ("/verificar/<token>", "members.verify"),
    ("/privacidade", "members.privacy"),
    ("/manifest.webmanifest", "pwa.manifest"),
    ("/sw.js", "pwa.service_worker"),
    ("/offline", "pwa.offline"),
    ("/urgencia", "pwa.urgency"),
    ("/extrato", "history.statement"),
    ("/extrato.csv", "history.statement_csv"),
    ("/autorizacoes", "history.authorizations"),
    ("/atendimento/entrar", "agents.sign_in"),
    ("/atendimento/sair", "agents.sign_out"),
    ("/atendimento", "agents.lookup"),
    ("/atendimento/consultas/<id:lookup_id>", "agents.member"),
    ("/atendimento/consultas/<id:lookup_id>/extrato", "agents.statement"),
    ("/atendimento/consultas/<id:lookup_id>/enviar-link", "agents.share"),
    ("/atendimento/consultas/<id:lookup_id>/links/<code>", "agents.shared"),
    ("/atendimento/auditoria", "agents.audit"),
    ("/atendimento/auditoria.csv", "agents.audit_csv"),
    ("/s/<code>", "links.follow"),
}


def test_public_routes_are_the_expected_ones(app):
    routes = {(rule.rule, rule.endpoint) for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routes == PUBLIC_ROUTES
