"""Waiting periods typed from the four seed documents, for the table-driven tests.

An oracle independent of ``webapp/plans/catalog/*.yaml``: every case below comes from the
document's own text (wording as printed; period as printed), paired with the vocabulary id
the wording means.  A wrong row in the catalog makes ``test_waiting_periods.py`` fail.

Each case is ``(product_slug, document_wording, vocabulary_procedure_id, period)`` where
period is ``"<n>h"`` (elapsed hours) or ``"<n>d"`` (calendar days); ``"0d"`` = no waiting period.

Sources (``../shared/seeds/``):
- LEVE DENTAL RJ 1 Adesão — 004_6924bbc5f27f886c.txt, cláusula 13.3 (table, every row), cláusula
  14.1 (urgency, 24 h) and the list 10.3's wordings of a table row (verniz → flúor...).
  Rows that repeat a procedure under a second heading repeat the same period, so each
  procedure appears once; the row "Teste de contagem microbiológica (teste ph da saliva)"
  names two tests and gives one case for each.
- SÃO CRISTÓVÃO ODONTOLÓGICO — 002_d14491244f2b285d.txt, cláusula 14 (8 groups; one
  representative per group) and cláusula 15 (urgency procedures, 24 h).
- SINTAEMA x ODONTOPREV — 001_f4990dce269f36e5.txt, art. 11, I–III.
- CASSEMS ODONTO — 000_50510f25bc262df7.txt, Dúvidas frequentes, 10 (60 days for everything,
  24 h for urgency: the procedures listed under "URGÊNCIAS ODONTOLÓGICAS").
"""

LEVE = "leve-dental-rj-1-adesao"
SAO_CRISTOVAO = "sao-cristovao-odontologico"
CASSEMS = "cassems-odonto"

CASES = [
    # ---------------------------------------------------------------- LEVE, cláusula 13.3
    # Diagnóstico
    (LEVE, "Consulta odontológica inicial", "consulta-odontologica-inicial", "24h"),
    (LEVE, "Diagnóstico anatomopatológico em citologia esfoliativa na região buco-maxilo-facial", "diagnostico-anatomopatologico-citologia-esfoliativa", "180d"),
    # Urgência
    (LEVE, "Ajuste oclusal por desgaste seletivo", "ajuste-oclusal-desgaste-seletivo", "24h"),
    (LEVE, "Colagem de fragmentos dentários", "colagem-fragmentos-dentarios", "24h"),
    (LEVE, "Controle de hemorragia com aplicação de agente hemostático em região buco-maxilo-facial", "controle-hemorragia-com-hemostatico", "24h"),
    (LEVE, "Controle de hemorragia sem aplicação de agente hemostático em região buco-maxilo-facial", "controle-hemorragia-sem-hemostatico", "24h"),
    (LEVE, "Exodontia simples de decíduo", "exodontia-simples-deciduo", "24h"),
    (LEVE, "Exodontia simples de permanente", "exodontia-simples-permanente", "24h"),
    (LEVE, "Imobilização dentária em dentes permanentes", "imobilizacao-dentaria-permanentes", "24h"),
    (LEVE, "Incisão e drenagem intra oral de abscesso, hematoma e/ou flegmão da região buco-maxilo-facial", "incisao-drenagem-intraoral", "24h"),
    (LEVE, "Incisão e drenagem extra oral de abscesso, hematoma e/ou flegmão da região buco-maxilo-facial", "incisao-drenagem-extraoral", "24h"),
    (LEVE, "Pulpotomia", "pulpotomia", "24h"),
    (LEVE, "Pulpectomia", "pulpectomia", "24h"),
    (LEVE, "Recimentação de trabalho protéticos", "recimentacao-trabalho-protetico", "24h"),
    (LEVE, "Reimplante dentário com contenção", "reimplante-dentario-com-contencao", "24h"),
    (LEVE, "Remoção de trabalho protético", "remocao-trabalho-protetico", "24h"),
    (LEVE, "Restauração temporária / tratamento expectante", "restauracao-temporaria", "24h"),
    (LEVE, "Sutura de ferida em região buco-maxilo-facial", "sutura-ferida-bucomaxilofacial", "24h"),
    (LEVE, "Tratamento de alveolite", "tratamento-alveolite", "24h"),
    # Prevenção
    (LEVE, "Atividade educativa em saúde bucal", "atividade-educativa-saude-bucal", "60d"),
    (LEVE, "Aplicação tópica de flúor", "aplicacao-topica-fluor", "60d"),
    (LEVE, "Controle de biofilme (placa bacteriana)", "controle-biofilme", "60d"),
    (LEVE, "Profilaxia: polimento coronário", "profilaxia-polimento-coronario", "60d"),
    (LEVE, "Raspagem supra-gengival", "raspagem-supragengival", "60d"),
    (LEVE, "Teste de contagem microbiológica (teste ph da saliva)", "teste-contagem-microbiologica", "60d"),
    (LEVE, "Teste de contagem microbiológica (teste ph da saliva)", "teste-ph-salivar", "60d"),
    # Radiologia
    (LEVE, "Levantamento radiográfico - exame radiodôntico/periapical completo", "levantamento-radiografico", "24h"),
    (LEVE, "Radiografia interproximal - bite-wing", "radiografia-interproximal", "60d"),
    (LEVE, "Radiografia oclusal", "radiografia-oclusal", "60d"),
    (LEVE, "Radiografia panorâmica de mandíbula / maxila (ortopantomografia)", "radiografia-panoramica", "180d"),
    (LEVE, "Radiografia periapical", "radiografia-periapical", "24h"),
    # Odontopediatria
    (LEVE, "Adequação do meio bucal (por arcada)", "adequacao-meio-bucal", "60d"),
    (LEVE, "Aplicação de cariostático", "aplicacao-cariostatico", "24h"),
    (LEVE, "Aplicação de selante de fóssulas e fissuras", "aplicacao-selante", "60d"),
    (LEVE, "Condicionamento em odontologia", "condicionamento-odontologia", "90d"),
    (LEVE, "Coroa de acetato em dente decíduo", "coroa-acetato-deciduo", "180d"),
    (LEVE, "Coroa de policarbonato em dente decíduo", "coroa-policarbonato-deciduo", "180d"),
    (LEVE, "Coroa de aço em dente decíduo", "coroa-aco-deciduo", "180d"),
    (LEVE, "Remineralização", "remineralizacao", "60d"),
    (LEVE, "Restauração atraumática em dente decíduo", "restauracao-atraumatica-deciduo", "60d"),
    (LEVE, "Tratamento endodôntico em dente decíduo", "tratamento-endodontico-deciduo", "180d"),
    # Dentística
    (LEVE, "Dessensibilização dentária", "dessensibilizacao-dentaria", "60d"),
    (LEVE, "Faceta direta em resina fotopolimerizável", "faceta-direta-resina", "180d"),
    (LEVE, "Nucleo de preenchimento", "nucleo-preenchimento", "90d"),
    (LEVE, "Restauração em resina fotopolimerizável 1 face", "restauracao-resina-fotopolimerizavel-1-face", "90d"),
    (LEVE, "Restauração em resina fotopolimerizável 2 faces", "restauracao-resina-fotopolimerizavel-2-faces", "90d"),
    (LEVE, "Restauração em resina fotopolimerizável 3 faces", "restauracao-resina-fotopolimerizavel-3-faces", "90d"),
    (LEVE, "Restauração em resina fotopolimerizável 4 faces", "restauracao-resina-fotopolimerizavel-4-faces", "90d"),
    (LEVE, "Restauração a pino", "restauracao-a-pino", "90d"),
    (LEVE, "Restauração de amálgama 1 face", "restauracao-amalgama-1-face", "90d"),
    (LEVE, "Restauração de amálgama 2 faces", "restauracao-amalgama-2-faces", "90d"),
    (LEVE, "Restauração de amálgama 3 faces", "restauracao-amalgama-3-faces", "90d"),
    (LEVE, "Restauração de amálgama 4 faces", "restauracao-amalgama-4-faces", "90d"),
    (LEVE, "Restauração em ionômero de vidro - 1 face", "restauracao-ionomero-vidro-1-face", "90d"),
    # Endodontia
    (LEVE, "Capeamento pulpar direto", "capeamento-pulpar-direto", "90d"),
    (LEVE, "Remoção de corpo estranho intracanal", "remocao-corpo-estranho-intracanal", "24h"),
    (LEVE, "Remoção de núcleo intrarradicular", "remocao-nucleo-intrarradicular", "24h"),
    (LEVE, "Retratamento endodôntico unirradicular", "retratamento-endodontico-unirradicular", "180d"),
    (LEVE, "Retratamento endodôntico birradicular", "retratamento-endodontico-birradicular", "180d"),
    (LEVE, "Retratamento endodôntico multirradicular", "retratamento-endodontico-multirradicular", "180d"),
    (LEVE, "Tratamento endodôntico de dente com rizogênese incompleta", "tratamento-endodontico-rizogenese-incompleta", "180d"),
    (LEVE, "Tratamento de perfuração endodôntica", "tratamento-perfuracao-endodontica", "180d"),
    (LEVE, "Tratamento endodôntico unirradicular", "tratamento-endodontico-unirradicular", "180d"),
    (LEVE, "Tratamento endodôntico birradicular", "tratamento-endodontico-birradicular", "180d"),
    (LEVE, "Tratamento endodôntico multirradicular", "tratamento-endodontico-multirradicular", "180d"),
    # Periodontia
    (LEVE, "Aumento de coroa clínica", "aumento-coroa-clinica", "180d"),
    (LEVE, "Cunha proximal", "cunha-proximal", "180d"),
    (LEVE, "Cirurgia periodontal a retalho", "cirurgia-periodontal-retalho", "180d"),
    (LEVE, "Enxerto pediculado", "enxerto-pediculado", "180d"),
    (LEVE, "Gengivectomia", "gengivectomia", "180d"),
    (LEVE, "Gengivoplastia", "gengivoplastia", "180d"),
    (LEVE, "Odonto-secção", "odonto-seccao", "180d"),
    (LEVE, "Raspagem sub-gengival / alisamento radicular", "raspagem-subgengival", "60d"),
    (LEVE, "Remoção dos fatores de retenção do biofilme dental (placa bacteriana)", "remocao-fatores-retencao-biofilme", "60d"),
    (LEVE, "Tratamento de abscesso periodontal agudo", "tratamento-abscesso-periodontal-agudo", "24h"),
    (LEVE, "Tunelização", "tunelizacao", "180d"),
    # Cirurgia
    (LEVE, "Alveoloplastia", "alveoloplastia", "180d"),
    (LEVE, "Amputação radicular com obturação retrógrada", "amputacao-radicular-com-obturacao-retrograda", "180d"),
    (LEVE, "Amputação radicular sem obturação retrógrada", "amputacao-radicular-sem-obturacao-retrograda", "180d"),
    (LEVE, "Apicetomia unirradiculares sem obturação retrógrada", "apicetomia-unirradicular-sem-obturacao-retrograda", "180d"),
    (LEVE, "Apicetomia unirradiculares com obturação retrógrada", "apicetomia-unirradicular-com-obturacao-retrograda", "180d"),
    (LEVE, "Apicetomia birradiculares sem obturação retrógrada", "apicetomia-birradicular-sem-obturacao-retrograda", "180d"),
    (LEVE, "Apicetomia birradiculares com obturação retrógrada", "apicetomia-birradicular-com-obturacao-retrograda", "180d"),
    (LEVE, "Apicetomia multiradiculares sem obturação retrógrada", "apicetomia-multirradicular-sem-obturacao-retrograda", "180d"),
    (LEVE, "Apicetomia multirradiculares com obturação retrógrada", "apicetomia-multirradicular-com-obturacao-retrograda", "180d"),
    (LEVE, "Aprofundamento / aumento de vestíbulo", "aprofundamento-vestibulo", "180d"),
    (LEVE, "Biopsia de boca", "biopsia-boca", "180d"),
    (LEVE, "Biopsia de lábio", "biopsia-labio", "180d"),
    (LEVE, "Biopsia de língua", "biopsia-lingua", "180d"),
    (LEVE, "Biopsia de glândula salivar", "biopsia-glandula-salivar", "180d"),
    (LEVE, "Biopsia de maxila", "biopsia-maxila", "180d"),
    (LEVE, "Biopsia de mandíbula", "biopsia-mandibula", "180d"),
    (LEVE, "Bridectomia", "bridectomia", "180d"),
    (LEVE, "Bridotomia", "bridotomia", "180d"),
    (LEVE, "Cirurgia para torus mandibular - bilateral", "cirurgia-torus-mandibular-bilateral", "180d"),
    (LEVE, "Cirurgia para torus palatino", "cirurgia-torus-palatino", "180d"),
    (LEVE, "Exérese ou excisão de cistos odontológicos", "exerese-cistos", "180d"),
    (LEVE, "Exérese ou excisão de rânula", "exerese-ranula", "180d"),
    (LEVE, "Exérese ou excisão de mucocele", "exerese-mucocele", "180d"),
    (LEVE, "Exérese ou excisão de cálculo salivar", "exerese-calculo-salivar", "180d"),
    (LEVE, "Exodontia a retalho", "exodontia-a-retalho", "24h"),
    (LEVE, "Exodontia de raiz residual", "exodontia-raiz-residual", "24h"),
    (LEVE, "Frenulectomia labial", "frenulectomia-labial", "180d"),
    (LEVE, "Frenulotomia labial", "frenulotomia-labial", "180d"),
    (LEVE, "Frenulectomia lingual", "frenulectomia-lingual", "180d"),
    (LEVE, "Frenulotomia lingual", "frenulotomia-lingual", "180d"),
    (LEVE, "Punção aspirativa na buco-maxilo-facial", "puncao-aspirativa", "180d"),
    (LEVE, "Redução cruenta de fratura alvéolo dentária", "reducao-cruenta-fratura-alveolo-dentaria", "180d"),
    (LEVE, "Redução incruenta de fratura alvéolo dentária", "reducao-incruenta-fratura-alveolo-dentaria", "180d"),
    (LEVE, "Redução simples de luxação de articulação têmporo-mandibular (atm)", "reducao-luxacao-atm", "24h"),
    (LEVE, "Remoção de dentes inclusos / impactados", "remocao-dentes-inclusos", "180d"),
    (LEVE, "Remoção de dentes semi-inclusos / impactados", "remocao-dentes-semi-inclusos", "180d"),
    (LEVE, "Tratamento cirúrgico das fístulas buco sinusal", "tratamento-cirurgico-fistula-bucossinusal", "180d"),
    (LEVE, "Tratamento cirúrgico das fístulas buco nasal", "tratamento-cirurgico-fistula-buconasal", "180d"),
    (LEVE, "Tratamento cirúrgico de hiperplasias de tecidos moles na região buco-maxilo-facial", "tratamento-cirurgico-hiperplasias-tecidos-moles", "180d"),
    (LEVE, "Tratamento cirúrgico dos tumores benignos de tecidos moles na região buco-maxilo-facial", "tratamento-cirurgico-tumores-benignos-tecidos-moles", "180d"),
    (LEVE, "Tratamento cirúrgico de hiperplasias de tecidos ósseos / cartilaginosos na região buco-maxilo-facial", "tratamento-cirurgico-hiperplasias-tecidos-osseos", "180d"),
    (LEVE, "Tratamento cirúrgico dos tumores benignos de tecidos ósseos / cartilaginosos na região buco-maxilofacial", "tratamento-cirurgico-tumores-benignos-tecidos-osseos", "180d"),
    (LEVE, "Tratamento cirúrgico para tumores odontogênicos benignos - sem reconstrução", "tratamento-cirurgico-tumores-odontogenicos-benignos", "180d"),
    (LEVE, "Ulectomia", "ulectomia", "180d"),
    (LEVE, "Ulotomia", "ulotomia", "180d"),
    # Prótese
    (LEVE, "Coroa provisória com pino", "coroa-provisoria-com-pino", "180d"),
    (LEVE, "Coroa provisória sem pino", "coroa-provisoria-sem-pino", "180d"),
    (LEVE, "Coroa total em cerômero (somente para dentes anteriores)", "coroa-total-ceromero", "180d"),
    (LEVE, "Coroa total metálica", "coroa-total-metalica", "180d"),
    (LEVE, "Núcleo metálico fundido", "nucleo-metalico-fundido", "180d"),
    (LEVE, "Restauração metálica fundida", "restauracao-metalica-fundida", "180d"),
    # ---------------------------------------------------------------- São Cristóvão, cláusula 14
    # 14.1 Urgência/Emergência: 24 horas (10.1 "Atendimento Emergencial")
    (SAO_CRISTOVAO, "Atendimento Emergencial (Curativo em caso de Odontalgia Aguda/Pulpectomia/Necrose)", "pulpectomia", "24h"),
    # 14.1 + 15.6: colagem de fragmentos é urgência (listada também em 10.10 Dentística)
    (SAO_CRISTOVAO, "Colagem de Fragmentos", "colagem-fragmentos-dentarios", "24h"),
    # 14.2 Dentística (restaurações): 60 dias
    (SAO_CRISTOVAO, "Restaurações de Amálgama de Prata (1,2,3,4 ou mais faces)", "restauracao-amalgama", "60d"),
    # 14.3 Prevenção: 60 dias (10.15 Odontologia Preventiva)
    (SAO_CRISTOVAO, "Profilaxia Oral (Polimento Coronário)", "profilaxia-polimento-coronario", "60d"),
    # 14.4 Odontopediatria: 60 dias
    (SAO_CRISTOVAO, "Tratamento Endodôntico de Dentes Decíduos", "tratamento-endodontico-deciduo", "60d"),
    # 14.5 Periodontia (gengiva): 90 dias
    (SAO_CRISTOVAO, "Tratamento de Gengivite", "tratamento-gengivite", "90d"),
    # 14.6 Radiologia (Raio X): 60 dias
    (SAO_CRISTOVAO, "Radiografia Panorâmica", "radiografia-panoramica", "60d"),
    # 14.7 Cirurgia (extração): 90 dias
    (SAO_CRISTOVAO, "Exodontia Simples", "exodontia-simples-permanente", "90d"),
    # 14.8 Endodontia (canal): 90 dias
    (SAO_CRISTOVAO, "Tratamento Endodôntico em Dentes Permanentes com 1 (um) conduto", "tratamento-endodontico-unirradicular", "90d"),
    # ---------------------------------------------------------------- SINTAEMA, art. 11
    ("sintaema-convencional", "Plano Convencional: não há carências a partir da data efetiva de inclusão", "consulta-odontologica", "0d"),
    ("sintaema-integral", "Plano Integral: não há carências a partir da data efetiva de inclusão", "consulta-odontologica", "0d"),
    ("sintaema-master", "Plano Master: não há carências a partir da data efetiva de inclusão", "consulta-odontologica", "0d"),
    ("sintaema-master", "exceto tratamentos protéticos e ortodônticos que terão carência de 90 dias", "tratamento-protetico", "90d"),
    ("sintaema-master", "exceto tratamentos protéticos e ortodônticos que terão carência de 90 dias", "tratamento-ortodontico", "90d"),
    ("sintaema-master", "exceto tratamentos protéticos e ortodônticos que terão carência de 90 dias", "coroa-total-metalica", "90d"),
    ("sintaema-master", "exceto tratamentos protéticos e ortodônticos que terão carência de 90 dias", "aparelho-ortodontico-fixo-metalico", "90d"),
    # ---------------------------------------------------------------- CASSEMS, Dúvidas frequentes 10
    (CASSEMS, "RESTAURAÇÃO DE AMÁLGAMA - 1 FACE", "restauracao-amalgama-1-face", "60d"),
    (CASSEMS, "TRATAMENTO ENDODÔNTICO UNIRRADICULAR", "tratamento-endodontico-unirradicular", "60d"),
    # Extração simples não está em "URGÊNCIAS ODONTOLÓGICAS" no manual: 60 dias (no LEVE, 24 h).
    (CASSEMS, "EXODONTIA SIMPLES DE PERMANENTE", "exodontia-simples-permanente", "60d"),
    (CASSEMS, "CONSULTA ODONTOLÓGICA DE URGÊNCIA", "consulta-odontologica-urgencia", "24h"),
    (CASSEMS, "PULPECTOMIA", "pulpectomia", "24h"),
]

# LEVE's periods stated outside its table 13.3: the urgency of cláusula 14.1, and the list 10.3's
# wordings of a table row.  Kept apart so that what the table itself lists stays countable.
LEVE_BEYOND_TABLE = [
    # ---------------------------------------------------------------- LEVE, cláusula 14.1 (urgência, fora da tabela)
    # "decorridas as primeiras 24 (vinte e quatro) horas do início de vigência do contrato".
    (LEVE, "Consulta de urgência", "consulta-odontologica-urgencia", "24h"),
    (LEVE, "Consulta de urgência (12 horas, lista 10.3)", "consulta-odontologica-urgencia-12h", "24h"),
    (LEVE, "Consulta de urgência (24 horas, lista 10.3)", "consulta-odontologica-urgencia-24h", "24h"),
    (LEVE, "curativo e/ou sutura em caso de hemorragia bucal/labial", "curativo-sutura-hemorragia-bucal", "24h"),
    (LEVE, "curativo em caso de odontalgia aguda/pulpectomia/necrose", "curativo-demora-endodontia", "24h"),
    (LEVE, "imobilização dentária temporária", "imobilizacao-dentaria-deciduos", "24h"),
    (LEVE, "tratamento de alveolite, pericoronarite, pericementite", "tratamento-pericoronarite", "24h"),
    (LEVE, "tratamento de alveolite, pericoronarite, pericementite", "tratamento-pericementite", "24h"),
    # ---------------------------------------------------------------- LEVE, redações da lista 10.3 com a linha da tabela 13.3 que as nomeia
    (LEVE, "Aplicação tópica de flúor", "aplicacao-verniz-fluoretado", "60d"),
    (LEVE, "Restauração em ionômero de vidro - 1 face", "restauracao-ionomero-vidro", "90d"),
    (LEVE, "Coroa total em cerômero (somente para dentes anteriores)", "reabilitacao-coroa-total-ceromero", "180d"),
    (LEVE, "Coroa total metálica", "reabilitacao-coroa-total-metalica", "180d"),
]
CASES += LEVE_BEYOND_TABLE
