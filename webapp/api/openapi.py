"""The OpenAPI 3.1 description of the public API (served at /api/v1/openapi.json)."""

from __future__ import annotations

from ..core.parsing import EARLIEST_DATE, LATEST_DATE, MAX_ID
from ..network.params import FLAGS, MAX_PAGE, MAX_Q
from ..network.services import REPORT_REASONS, TOTAL_LIMIT
from ..network.specialties import SPECIALTIES
from ..plans.answers import COVERED, EXCLUDED, MAX_QUERY, UNLISTED
from ..plans.schema import PRODUCT_SLUGS
from ..plans.services import MONEY_TOPIC_TITLES
from ..plans.services import SECTION_TITLES as PLAN_SECTIONS

COVERAGE_STATUSES = (COVERED, EXCLUDED, UNLISTED)

#: A location's verification and "accepts new patients", in search results and provider pages.
TRUST_PROPERTIES = {
    "verificado_em": {"type": ["string", "null"], "format": "date-time",
                      "description": "Última verificação do endereço (pela operadora, pela equipe de rede ou por "
                                     "membros atendidos pelo plano); null: nunca verificado."},
    "verificacao_vencida": {"type": "boolean",
                            "description": "true quando o endereço não é verificado há mais do que o prazo "
                                           "configurado (180 dias por padrão) ou nunca foi: na mesma distância "
                                           "mostrada, vem depois dos verificados."},
    "aceita_novos_pacientes": {"type": ["boolean", "null"],
                               "description": "Se o endereço aceita novos pacientes; null: não informado."},
    "aceita_novos_pacientes_em": {"type": ["string", "null"], "format": "date",
                                  "description": "Dia em que aceita_novos_pacientes foi informado; null quando "
                                                 "não informado."},
}

MUNICIPIO = {
    "type": "object",
    "required": ["codigo_ibge", "nome", "uf"],
    "properties": {
        "codigo_ibge": {"type": "integer", "minimum": 1100000, "maximum": 5399999},
        "nome": {"type": "string"},
        "uf": {"type": "string", "pattern": "^[A-Z]{2}$"},
    },
    "additionalProperties": False,
}

RESULTADO = {
    "type": "object",
    "required": ["id", "nome", "especialidades", "distancia_km", "endereco", "municipio", "lat", "lon",
                 "atualizado_em", *TRUST_PROPERTIES, "url"],
    "properties": {
        "id": {"type": "integer", "description": "Identificador do prestador (dentista ou clínica)."},
        "local_id": {"type": "integer", "description": "Identificador do endereço de atendimento."},
        "nome": {"type": "string"},
        "tipo": {"type": "string", "enum": ["dentista", "clinica"]},
        "especialidades": {"type": "array", "items": {"type": "string", "enum": list(SPECIALTIES)}},
        "distancia_km": {"type": "number", "minimum": 0, "description": "Distância geodésica (WGS-84), 1 casa decimal."},
        "endereco": {"type": "string"},
        "municipio": {"$ref": "#/components/schemas/Municipio"},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "lon": {"type": "number", "minimum": -180, "maximum": 180},
        "precisao": {"type": "string", "enum": ["exact", "approximate"]},
        "telefones": {"type": "array", "items": {"type": "string"}},
        "whatsapp": {"type": ["string", "null"]},
        "urgencia_24h": {"type": "boolean"},
        "acessivel": {"type": "boolean"},
        "atende_criancas": {"type": "boolean"},
        "atualizado_em": {"type": "string", "format": "date-time"},
        **TRUST_PROPERTIES,
        "url": {"type": "string", "format": "uri"},
    },
    "additionalProperties": False,
}

BUSCA = {
    "type": "object",
    "required": ["plano", "origem", "dentro_da_area", "total", "total_exato", "pagina", "resultados"],
    "properties": {
        "plano": {"type": "string", "enum": list(PRODUCT_SLUGS)},
        "origem": {
            "type": "object",
            "required": ["lat", "lon", "municipio"],
            "properties": {
                "lat": {"type": "number"},
                "lon": {"type": "number"},
                "municipio": {"$ref": "#/components/schemas/Municipio"},
            },
            "additionalProperties": False,
        },
        "dentro_da_area": {"type": "boolean"},
        "total": {"type": "integer", "minimum": 0, "maximum": TOTAL_LIMIT,
                  "description": f"Quantos endereços atendem aos filtros na área do plano, contados até "
                                 f"{TOTAL_LIMIT:,}".replace(",", ".") + ": com mais que isso, total é "
                                 f"{TOTAL_LIMIT} e total_exato é false (leia \"mais de "
                                 f"{TOTAL_LIMIT:,}\")".replace(",", ".") + ". Pode ter até 10 min de atraso."},
        "total_exato": {"type": "boolean",
                        "description": "true quando total é o número exato; false quando há mais de total endereços."},
        "pagina": {"type": "integer", "minimum": 1},
        "por_pagina": {"type": "integer"},
        "tem_mais": {"type": "boolean"},
        "resultados": {"type": "array", "items": {"$ref": "#/components/schemas/Resultado"}},
    },
    "additionalProperties": False,
}

LOCAL = {
    "type": "object",
    "required": ["id", "endereco", "municipio", "lat", "lon", *TRUST_PROPERTIES],
    "properties": {
        "id": {"type": "integer"},
        "endereco": {"type": "string"},
        "municipio": {"$ref": "#/components/schemas/Municipio"},
        "lat": {"type": "number"},
        "lon": {"type": "number"},
        "precisao": {"type": "string", "enum": ["exact", "approximate"]},
        "telefones": {"type": "array", "items": {"type": "string"}},
        "whatsapp": {"type": ["string", "null"]},
        "horario": {"type": ["string", "null"]},
        "urgencia_24h": {"type": "boolean"},
        "acessivel": {"type": "boolean"},
        "atende_criancas": {"type": "boolean"},
        "atualizado_em": {"type": "string", "format": "date-time"},
        **TRUST_PROPERTIES,
    },
    "additionalProperties": False,
}

DENTISTA = {
    "type": "object",
    "required": ["id", "nome", "tipo", "especialidades", "cro", "planos", "locais", "relatos_abertos",
                 "atualizado_em", "url"],
    "properties": {
        "id": {"type": "integer"},
        "nome": {"type": "string"},
        "tipo": {"type": "string", "enum": ["dentista", "clinica"]},
        "especialidades": {"type": "array", "items": {"type": "string", "enum": list(SPECIALTIES)}},
        "cro": {"type": "string", "description": "Registro profissional público, ex.: CRO-RJ 12345."},
        "planos": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["plano", "desde"],
                "properties": {
                    "plano": {"type": "string", "enum": list(PRODUCT_SLUGS)},
                    "desde": {"type": "string", "format": "date"},
                    "ate": {"type": ["string", "null"], "format": "date"},
                },
                "additionalProperties": False,
            },
        },
        "locais": {"type": "array", "items": {"$ref": "#/components/schemas/Local"}},
        "relatos_abertos": {
            "type": "object",
            "description": "Avisos de erro (\"Informar erro nestes dados\") ainda não resolvidos pela equipe de "
                           "rede, contados por motivo; nada sobre quem os enviou.",
            "required": list(REPORT_REASONS),
            "properties": {reason: {"type": "integer", "minimum": 0, "description": label}
                           for reason, label in REPORT_REASONS.items()},
            "additionalProperties": False,
        },
        "atualizado_em": {"type": "string", "format": "date-time"},
        "url": {"type": "string", "format": "uri"},
    },
    "additionalProperties": False,
}

ERRO = {
    "type": "object",
    "required": ["erro"],
    "properties": {"erro": {"type": "string", "description": "Mensagem em português."}},
    "additionalProperties": False,
}


PLANO = {
    "type": "object",
    "required": ["slug", "nome", "operadora", "registro_ans", "tipo_contratacao", "segmentacao", "abrangencia",
                 "coparticipacao", "adesao", "pagamento_e_cancelamento", "secoes", "url"],
    "properties": {
        "slug": {"type": "string", "enum": list(PRODUCT_SLUGS)},
        "nome": {"type": "string"},
        "operadora": {
            "type": "object",
            "required": ["nome", "registro_ans"],
            "properties": {
                "nome": {"type": "string"},
                "registro_ans": {"type": ["string", "null"], "description": "null quando o documento não informa."},
            },
            "additionalProperties": False,
        },
        "registro_ans": {"type": ["string", "null"], "description": "Registro do plano na ANS; null quando o documento não informa."},
        "tipo_contratacao": {"type": ["string", "null"],
                             "enum": ["individual-familiar", "coletivo-adesao", "coletivo-empresarial", None]},
        "tipo_contratacao_texto": {"type": "string", "description": "Como o documento descreve a contratação."},
        "segmentacao": {"type": "string"},
        "abrangencia": {
            "type": "object",
            "required": ["tipo", "descricao", "ufs", "municipios"],
            "properties": {
                "tipo": {"type": "string", "enum": ["nacional", "estadual", "municipios"]},
                "descricao": {"type": "string", "description": "Como o documento descreve a área."},
                "ufs": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}},
                "municipios": {"type": "array", "items": {"$ref": "#/components/schemas/Municipio"}},
            },
            "additionalProperties": False,
        },
        "coparticipacao": {
            "description": "O que o documento diz sobre coparticipação; null quando não trata do assunto.",
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["aplica", "texto"],
                    "properties": {
                        "aplica": {"type": ["boolean", "null"],
                                   "description": "false: sem coparticipação; null: o documento não diz se há."},
                        "texto": {"type": "string"},
                        "referencia": {"type": ["string", "null"]},
                    },
                    "additionalProperties": False,
                },
            ],
        },
        "adesao": {
            "type": "object",
            "description": "Quem pode entrar no plano, como o documento diz (seção dependentes da página).",
            "required": ["modalidades", "aceita_dependentes", "resumo", "texto", "referencia", "notas"],
            "properties": {
                "modalidades": {"type": "array", "uniqueItems": True,
                                "items": {"type": "string", "enum": ["individual", "familiar"]},
                                "description": "Modalidades que o documento nomeia; vazia quando não nomeia nenhuma."},
                "aceita_dependentes": {"type": "boolean",
                                       "description": "false: só o titular (ex.: SINTAEMA MASTER, art. 5º, III)."},
                "resumo": {"type": "string", "description": "Uma linha, com a cláusula."},
                "texto": {"type": "string", "description": "As palavras do documento."},
                "referencia": {"type": "string", "description": "Cláusula do documento."},
                "notas": {"type": "array", "items": {"type": "string"}},
            },
            "additionalProperties": False,
        },
        "pagamento_e_cancelamento": {
            "type": "object",
            "description": "O que o documento diz sobre mensalidade, atraso, reajuste, cancelamento, mudança de "
                           "plano e vigência (seção pagamento-e-cancelamento da página). Todo tema aparece, na ordem "
                           "da página; documento_trata false (e regras vazia) quando o documento não trata dele.",
            "required": ["temas", "notas"],
            "properties": {
                "temas": {
                    "type": "array",
                    "minItems": len(MONEY_TOPIC_TITLES), "maxItems": len(MONEY_TOPIC_TITLES),
                    "items": {
                        "type": "object",
                        "required": ["tema", "titulo", "documento_trata", "regras"],
                        "properties": {
                            "tema": {"type": "string", "enum": list(MONEY_TOPIC_TITLES)},
                            "titulo": {"type": "string"},
                            "documento_trata": {"type": "boolean"},
                            "regras": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["texto", "clausula"],
                                    "properties": {"texto": {"type": "string", "description": "As palavras do documento."},
                                                   "clausula": {"type": "string"}},
                                    "additionalProperties": False,
                                },
                            },
                        },
                        "additionalProperties": False,
                    },
                },
                "notas": {"type": "array", "items": {"type": "string"}},
            },
            "additionalProperties": False,
        },
        "secoes": {
            "type": "array",
            "description": "Seções que o documento sustenta, na ordem da página (âncoras de /planos/{slug}).",
            "items": {"type": "string", "enum": list(PLAN_SECTIONS)},
        },
        "url": {"type": "string", "format": "uri"},
        "carencias_url": {"type": "string", "format": "uri"},
    },
    "additionalProperties": False,
}

ITEM_CARENCIA = {
    "type": "object",
    "required": ["procedimento", "categoria", "carencia", "liberado_em"],
    "properties": {
        "procedimento": {"type": "string", "description": "Procedimento ou grupo, nas palavras do documento."},
        "categoria": {"type": ["string", "null"],
                      "description": "Título da tabela do documento ou categoria(s) a que a carência se aplica; "
                                     "null quando vale para todos os procedimentos."},
        "carencia": {
            "oneOf": [
                {"type": "object", "required": ["horas"], "properties": {"horas": {"type": "integer", "minimum": 0}},
                 "additionalProperties": False},
                {"type": "object", "required": ["dias"], "properties": {"dias": {"type": "integer", "minimum": 0}},
                 "additionalProperties": False},
            ],
        },
        "liberado_em": {"type": "string", "format": "date-time",
                        "description": "RFC 3339 com o fuso de America/Sao_Paulo (ex.: 2026-03-11T00:00:00-03:00); "
                                       "antes de 1914, quando o fuso era a hora média local (−03:06:28, sem "
                                       "minutos inteiros), em UTC (ex.: 1900-03-02T03:06:28Z)."},
    },
    "additionalProperties": False,
}

CARENCIAS = {
    "type": "object",
    "required": ["plano", "inclusao", "itens"],
    "properties": {
        "plano": {"type": "string", "enum": list(PRODUCT_SLUGS)},
        "inclusao": {"type": "string", "format": "date"},
        "itens": {"type": "array", "items": {"$ref": "#/components/schemas/ItemCarencia"}},
    },
    "additionalProperties": False,
}

CARENCIA = {
    "oneOf": [
        {"type": "object", "required": ["horas"], "properties": {"horas": {"type": "integer", "minimum": 0}},
         "additionalProperties": False},
        {"type": "object", "required": ["dias"], "properties": {"dias": {"type": "integer", "minimum": 0}},
         "additionalProperties": False},
    ],
}

ITEM_COBERTURA = {
    "type": "object",
    "required": ["procedimento", "situacao", "clausula", "categoria", "urgencia", "carencia", "autorizacao_previa"],
    "properties": {
        "procedimento": {"type": "string", "description": "O procedimento nas palavras do documento do plano "
                                                          "(ou o texto da exclusão que responde à busca)."},
        "situacao": {"type": "string", "enum": list(COVERAGE_STATUSES)},
        "clausula": {"type": ["string", "null"], "description": "Onde o documento diz isso; null quando nenhum "
                                                                "documento o lista."},
        "categoria": {"type": ["string", "null"], "description": "Título do documento ou categoria do procedimento; "
                                                                 "null numa exclusão sem procedimento."},
        "urgencia": {"type": "boolean", "description": "O documento do plano o nomeia como atendimento de urgência."},
        "carencia": {"description": "A carência que vale; null quando o documento não informa.",
                     "oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Carencia"}]},
        "liberado_em": {"type": ["string", "null"], "format": "date-time",
                        "description": "Só com o parâmetro inclusao: quando o item fica liberado (RFC 3339, "
                                       "America/Sao_Paulo); null quando não é coberto ou não há carência informada."},
        "autorizacao_previa": {"type": ["boolean", "null"],
                               "description": "O documento pede autorização prévia (false: não em urgência); "
                                              "null quando o documento não trata do assunto ou o item não é coberto."},
    },
    "additionalProperties": False,
}

COBERTURAS = {
    "type": "object",
    "required": ["plano", "consulta", "resposta", "itens"],
    "properties": {
        "plano": {"type": "string", "enum": list(PRODUCT_SLUGS)},
        "consulta": {"type": "string", "description": "A busca, com os espaços normalizados."},
        "resposta": {
            "type": "object",
            "required": ["situacao", "resumo"],
            "properties": {
                "situacao": {"type": "string", "enum": [*COVERAGE_STATUSES, "depende"],
                             "description": "depende: os itens não têm todos a mesma situação."},
                "resumo": {"type": "string", "description": "A resposta numa frase, com o item mais relevante."},
            },
            "additionalProperties": False,
        },
        "itens": {"type": "array", "items": {"$ref": "#/components/schemas/ItemCobertura"},
                  "description": "As exclusões que respondem à busca, depois os procedimentos, do mais relevante "
                                 "ao menos (mesma ordem da página)."},
    },
    "additionalProperties": False,
}


FLAG_MEANINGS = {"urgencia": "urgência 24 horas", "acessivel": "acessível para cadeira de rodas",
                 "criancas": "atende crianças",
                 "novos": "aceita novos pacientes (como informado ao endereço; não informado não entra)"}


def _param(name: str, description: str, schema: dict, required: bool = False) -> dict:
    parameter = {"name": name, "in": "query", "required": required, "description": description, "schema": schema}
    if not required:
        # As in the page's GET form, an empty value means the parameter was not given.
        parameter["allowEmptyValue"] = True
    return parameter


SEARCH_PARAMETERS = [
    _param("plano", "Slug do plano.", {"type": "string", "enum": list(PRODUCT_SLUGS)}, required=True),
    _param("municipio", "Código IBGE do município, 7 algarismos (a busca parte da sede); este ou lat e lon. "
                        "Um código que não é de município dá 400.", {"type": "string", "pattern": "^[0-9]{7}$"}),
    _param("lat", "Latitude do ponto de partida (com lon). Um ponto fora do Brasil dá 400.",
           {"type": "number", "minimum": -90, "maximum": 90}),
    _param("lon", "Longitude do ponto de partida (com lat).", {"type": "number", "minimum": -180, "maximum": 180}),
    _param("especialidade", "Especialidade (slug do nome do CFO).", {"type": "string", "enum": list(SPECIALTIES)}),
    _param("q", "Parte do nome do dentista ou clínica: um trecho contínuo do nome, sem diferença de acentos, "
                "maiúsculas ou pontuação (\"conceicao\" encontra \"José da Conceição\"). Pelo menos 3 letras "
                "ou números; com menos, 400.", {"type": "string", "maxLength": MAX_Q}),
    *[_param(flag, f"Filtro: {FLAG_MEANINGS[flag]} (1 para ativar).", {"type": "string", "enum": ["1", "on"]})
      for flag in FLAGS],
    _param("pagina", f"Página, de 1 a {MAX_PAGE} (20 resultados por página).",
           {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
]

# Years EARLIEST_DATE.year … LATEST_DATE.year (1900 … 2100), as a pattern a client can check.
INCLUSION_PATTERN = "^(19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"

SLUG_PARAMETER = {"name": "slug", "in": "path", "required": True, "description": "Slug do plano.",
                  "schema": {"type": "string", "enum": list(PRODUCT_SLUGS)}}

INCLUSION_PARAMETER = {
    "name": "inclusao", "in": "query", "required": True,
    "description": f"Data de inclusão no plano (AAAA-MM-DD), de {EARLIEST_DATE.isoformat()} a "
                   f"{LATEST_DATE.isoformat()}.",
    "schema": {"type": "string", "format": "date", "pattern": INCLUSION_PATTERN},
}

COVERAGE_PARAMETERS = [
    SLUG_PARAMETER,
    {"name": "q", "in": "query", "required": True,
     "description": "O tratamento, nas palavras do documento ou nas do dia a dia (ex.: canal, dentadura).",
     "schema": {"type": "string", "minLength": 1, "maxLength": MAX_QUERY}},
    {**INCLUSION_PARAMETER, "required": False,
     "description": INCLUSION_PARAMETER["description"] + " Opcional: com ela, cada item traz liberado_em."},
]

PROVIDER_ID_PARAMETER = {"name": "id", "in": "path", "required": True, "description": "Identificador do prestador.",
                         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Erro"}}}}


# Answers any operation may give, besides its own: every error under /api/ is JSON with "erro".
# (A method a path does not take is a 405 with the Allow header, also with "erro".)
COMMON_RESPONSES = {
    "429": {"$ref": "#/components/responses/MuitosPedidos"},
    "500": {"$ref": "#/components/responses/ErroInterno"},
    "503": {"$ref": "#/components/responses/Indisponivel"},
}

RESPONSES = {
    "MuitosPedidos": _error("Muitos pedidos seguidos: espere e tente de novo."),
    "ErroInterno": _error("Erro inesperado do servidor."),
    "Indisponivel": {
        **_error("Banco de dados indisponível no momento."),
        "headers": {"Retry-After": {"description": "Segundos a esperar antes de tentar de novo.",
                                    "schema": {"type": "integer", "minimum": 1}}},
    },
}


def _operation(operation_id: str, summary: str, parameters: list, ok: dict, errors: dict[str, str],
               description: str | None = None) -> dict:
    operation = {"operationId": operation_id, "summary": summary, "parameters": parameters,
                 "responses": {"200": ok, **{code: _error(text) for code, text in errors.items()},
                               **COMMON_RESPONSES}}
    if description:
        operation["description"] = description
    return {"get": operation}


def _ok(description: str, schema: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def document(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Guia Odonto — API pública da rede credenciada e dos planos",
            "version": "1.0.0",
            "description": "Busca de dentistas da rede credenciada dos planos, na mesma ordem da página /rede. "
                           "Resumo de cada plano e calculadora de carências. Sem autenticação e sem dados pessoais. "
                           "Todo erro é JSON com o campo erro (em português); um método que o endereço não "
                           "aceita dá 405 com o cabeçalho Allow.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/v1/rede": _operation(
                "buscarRede", "Dentistas mais próximos, dentro da área do plano", SEARCH_PARAMETERS,
                _ok("Resultados ordenados por distância (km com uma casa decimal) e, na mesma distância, os "
                    "verificados antes dos de verificação vencida, depois por nome.", "Busca"),
                {"400": "Parâmetros inválidos ou ausentes."}),
            "/api/v1/planos/{slug}": _operation(
                "plano", "Resumo de um plano: operadora, registros na ANS, contratação, abrangência, seções",
                [SLUG_PARAMETER], _ok("O plano, como o documento da operadora o descreve.", "Plano"),
                {"404": "Plano não encontrado."}),
            "/api/v1/planos/{slug}/carencias": _operation(
                "carencias", "Quando cada carência do plano termina, para uma data de inclusão",
                [SLUG_PARAMETER, INCLUSION_PARAMETER],
                _ok("As carências do plano e a data em que cada uma termina.", "Carencias"),
                {"400": "Data de inclusão ausente ou inválida.", "404": "Plano não encontrado."},
                description="Cada item é uma carência como o documento a declara (procedimento ou grupo). "
                            "Horas contam tempo decorrido, minuto a minuto; dias são dias corridos e o dia "
                            "da inclusão conta como o 1º (60 dias a partir de 2026-01-10 liberam em "
                            "2026-03-11); a inclusão começa às 00:00 (America/Sao_Paulo) da data informada."),
            "/api/v1/planos/{slug}/coberturas": _operation(
                "coberturas", "Posso fazer? Se o plano cobre um tratamento, a carência e a cláusula",
                COVERAGE_PARAMETERS,
                _ok("A resposta e cada procedimento que a busca encontra.", "Coberturas"),
                {"400": "Busca ausente, longa demais ou inválida, ou data de inclusão inválida.",
                 "404": "Plano não encontrado."},
                description="Mesma resposta da página /planos/{slug}/coberturas. Um procedimento é coberto "
                            "quando o documento o lista, o nomeia como urgência, o põe na tabela de carências "
                            "ou (planos que cobrem o Rol da ANS) quando consta do Rol; excluído quando uma "
                            "exclusão o alcança; senão, nao-listado."),
            "/api/v1/rede/dentista/{id}": _operation(
                "dentista", "Um dentista ou clínica da rede", [PROVIDER_ID_PARAMETER],
                _ok("O prestador.", "Dentista"), {"404": "Prestador não encontrado."}),
        },
        "components": {
            "schemas": {"Municipio": MUNICIPIO, "Resultado": RESULTADO, "Busca": BUSCA, "Local": LOCAL,
                        "Dentista": DENTISTA, "Erro": ERRO, "Plano": PLANO, "ItemCarencia": ITEM_CARENCIA,
                        "Carencias": CARENCIAS, "Carencia": CARENCIA, "ItemCobertura": ITEM_COBERTURA,
                        "Coberturas": COBERTURAS},
            "responses": RESPONSES,
        },
    }
