from webapp.geo import municipalities as M


def codes(ms):
    return [m.ibge_code for m in ms]


def test_get():
    m = M.get(5002704)
    assert m == M.get("5002704")
    assert (m.name, m.uf, m.capital, m.ddd) == ("Campo Grande", "MS", True, 67)
    assert (m.lat, m.lon) == (-20.4486, -54.6295)
    assert m.population > 900_000
    assert m.label == "Campo Grande/MS"
    assert M.get(9999999) is None
    assert M.get("abc") is None
    assert M.get(None) is None


def test_municipality_is_frozen():
    m = M.get(3303302)
    try:
        m.name = "x"
    except AttributeError:
        pass
    else:
        raise AssertionError("Municipality must be immutable")


def test_no_population_is_zero():
    assert M.get(5101837).population == 0


def test_search_homonyms_without_uf():
    found = M.search("campo grande")
    assert len(found) >= 3
    assert found[0].ibge_code == 5002704  # most populous first
    assert {5002704, 2701506, 2401305} <= set(codes(found))  # MS, AL, RN ("Augusto Severo (Campo Grande)")
    pops = [m.population for m in found]
    assert pops == sorted(pops, reverse=True)


def test_search_with_uf_forms():
    for query in ("Campo Grande/MS", "campo grande - ms", "Campo Grande MS", "Campo Grande (MS)", "CAMPO GRANDE, ms"):
        assert codes(M.search(query)) == [5002704], query
    assert codes(M.search("campo grande", uf="MS")) == [5002704]
    assert codes(M.search("campo grande", uf=" ms ")) == [5002704]
    assert codes(M.search("Campo Grande/RN")) == [2401305]
    assert M.search("Campo Grande/MS", uf="AL") == []
    assert M.search("campo grande", uf="XX") == []


def test_search_accents_and_case():
    assert codes(M.search("SAO PAULO")) == [3550308]
    assert codes(M.search("são paulo/sp")) == [3550308]
    assert codes(M.search("niteroi")) == [3303302]
    assert M.search("São Paulo", uf="RJ") == []
    assert codes(M.search("santana do livramento")) == [4317103]  # Sant'Ana do Livramento
    assert codes(M.search("biritiba mirim")) == [3506607]  # Biritiba-Mirim


def test_search_former_names_only_as_fallback():
    assert codes(M.search("Embu")) == [3515004]  # now Embu das Artes
    assert codes(M.search("Moji Mirim")) == [3530805]
    assert codes(M.search("Augusto Severo")) == [2401305]


def test_search_nothing():
    assert M.search("") == []
    assert M.search("   ") == []
    assert M.search("Cidade Inexistente") == []


def test_suggest_prefix_and_word_start():
    assert M.suggest("campo gr")[0].ibge_code == 5002704
    assert 5002704 in codes(M.suggest("grande"))
    assert M.suggest("sao p")[0].ibge_code == 3550308
    assert M.suggest("SÃO")[0].ibge_code == 3550308
    assert codes(M.suggest("niteroi/rj")) == [3303302]
    assert all(m.uf == "RJ" for m in M.suggest("sao", uf="RJ"))
    assert len(M.suggest("sao", limit=3)) == 3
    assert M.suggest("") == [] and M.suggest("sao", limit=0) == []
    assert M.suggest("xqzw") == []


def test_suggest_orders_by_population_within_prefix_matches():
    found = M.suggest("rio", limit=10)
    starts = [m for m in found if M.fold_words(m.name).startswith("rio")]
    pops = [m.population for m in starts]
    assert pops == sorted(pops, reverse=True)
    assert found[0].ibge_code == 3304557  # Rio de Janeiro


def test_states():
    sts = M.states()
    assert len(sts) == 27
    assert [s.name for s in sts][:3] == ["Acre", "Alagoas", "Amapá"]
    rj = M.state("rj")
    assert (rj.uf, rj.name, rj.region, rj.code) == ("RJ", "Rio de Janeiro", "Sudeste", 33)
    assert M.state("XX") is None
    assert M.state(None) is None


def test_in_state():
    assert len(M.in_state("RJ")) == 92
    assert len(M.all_municipalities()) == 5571



def _suggest_by_reading_every_name(rows, prefix):
    """The oracle: tiers as suggest() documents them, by reading every name (most populous first)."""
    q = M.fold_words(prefix)
    tiers = ([], [], [])
    for m, words, alternatives in rows:
        if words.replace(" ", "").startswith(q.replace(" ", "")):
            tiers[0].append(m)
        elif f" {q}" in f" {words}":
            tiers[1].append(m)
        elif any(a.startswith(q) or f" {q}" in f" {a}" for a in alternatives):
            tiers[2].append(m)
    return tiers[0] + tiers[1] + tiers[2]


def test_suggest_agrees_with_reading_every_name():
    import csv
    import random

    from webapp.geo import data_dir

    with (data_dir() / "municipios-nomes-alternativos.csv").open(encoding="utf-8") as fh:
        alternatives = {}
        for r in csv.DictReader(fh):
            alternatives.setdefault(int(r["codigo_ibge"]), []).append(M.fold_words(r["nome_alternativo"]))
    rows = [(m, M.fold_words(m.name), alternatives.get(m.ibge_code, ()))
            for m in sorted(M.all_municipalities(), key=lambda m: (-m.population, m.ibge_code))]
    rng = random.Random(16)
    prefixes = ["campo gr", "grande", "d agua", "santana", "sant ana", "grande do", "do sul", "rio", "xq", "augusto", "s", "sa", "ca", "bom j", "xique", "sete"]
    for _, name, _ in rng.sample(rows, 30):
        words = name.split()
        prefixes += [name[:rng.randint(2, len(name))], rng.choice(words)[:3], " ".join(words[-2:])]
    for prefix in prefixes:
        expected = _suggest_by_reading_every_name(rows, prefix)
        assert codes(M.suggest(prefix, limit=8)) == codes(expected[:8]), prefix
        assert codes(M.suggest(prefix, limit=40)) == codes(expected[:40]), prefix
        assert codes(M.suggest(prefix, limit=8, uf="MG")) == codes([m for m in expected if m.uf == "MG"][:8]), prefix
