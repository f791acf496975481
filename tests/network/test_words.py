"""Phone numbers and CEPs never break at their hyphen or spaces ("(21) 96888-/1206", "27949-/211"):
every one shown is inside one `go-nowrap` span, through the `sem_quebra` filter."""

import re

import pytest

from tests.support.agents import look_up, lookup_id
from tests.support.members import LEVE_HOLDER_CPF, member_by_cpf, member_session
from webapp.core.formatting import numeros_sem_quebra, sem_quebra

LEVE = "leve-dental-rj-1-adesao"
# A phone number or a CEP as shown: "(21) 96888-1206", "4004-1234", "0800 701 9656", "24230-052".
NUMBER = re.compile(r"\(\d{2}\) ?\d{4,5}-\d{4}|\b0[358]00[ -]?\d{3}[ -]?\d{4}\b|\b\d{4,5}-\d{4}\b|\b\d{5}-\d{3}\b")


def test_sem_quebra_wraps_and_escapes():
    assert sem_quebra("(21) 96888-1206") == '<span class="go-nowrap">(21) 96888-1206</span>'
    assert sem_quebra("<b>") == '<span class="go-nowrap">&lt;b&gt;</span>'
    assert sem_quebra(None) == "" and sem_quebra("") == ""


def test_numeros_sem_quebra_keeps_the_numbers_of_a_sentence_whole():
    text = "Ligue 0800 000 0552 ou (44) 3123-0527 <já>; sede: CEP: 79002-480, sala 12-B."
    assert numeros_sem_quebra(text) == (
        'Ligue <span class="go-nowrap">0800 000 0552</span> ou <span class="go-nowrap">(44) 3123-0527</span> '
        '&lt;já&gt;; sede: <span class="go-nowrap">CEP: 79002-480</span>, sala 12-B.')
    assert numeros_sem_quebra(None) == "" and numeros_sem_quebra("Sem números.") == "Sem números."


def numbers_outside_nowrap(page) -> list[str]:
    """Each phone number or CEP of *page* whose characters are not all inside one go-nowrap span."""
    loose = []
    for text in page.find_all(string=NUMBER):
        if text.find_parent(["script", "style", "title", "head"]):
            continue
        wrapper = text.find_parent(class_="go-nowrap")
        for match in NUMBER.finditer(text):
            if wrapper is None:
                loose.append(match.group())
    return loose


@pytest.mark.parametrize("path", [
    f"/rede?plano={LEVE}&municipio=3303302",
    f"/rede?plano={LEVE}&municipio=3303302&especialidade=odontopediatria",  # the operator's phones
    "/planos/leve-dental-rj-1-adesao",
    "/planos/cassems-odonto",
    f"/urgencia?plano={LEVE}",
    "/urgencia?plano=cassems-odonto",
])
def test_public_pages_keep_every_number_on_one_line(client, small_network, path):
    page = client.page(path)
    assert page.find_all(string=NUMBER), "a page with no number tests nothing"
    assert numbers_outside_nowrap(page) == []


def test_a_provider_page_keeps_its_phones_and_cep_whole(client, small_network):
    pid = small_network["N1"]
    page = client.page(client.get(f"/rede/dentista/{pid}").headers["Location"])
    kept = {span.get_text() for span in page.select(".go-nowrap")}
    assert {"(21) 2711-0000", "(21) 99876-5432", "CEP 24230-052"} <= kept
    assert numbers_outside_nowrap(page) == []


def test_results_keep_the_cep_whole(client, small_network):
    page = client.page(f"/rede?plano={LEVE}&municipio=3303302")
    addresses = page.select(".go-result__address")
    assert addresses and all(a.select_one(".go-nowrap").get_text() == "CEP 24230-052" for a in addresses)


def test_the_member_card_keeps_its_phones_whole(client, families):
    member_session(client, member_by_cpf(families, LEVE_HOLDER_CPF))
    page = client.page("/carteirinha")
    assert page.select(".go-nowrap") and numbers_outside_nowrap(page) == []


def test_the_agents_member_page_keeps_the_members_phone_whole(agent_client, families):
    entry = lookup_id(look_up(agent_client, LEVE_HOLDER_CPF))
    page = agent_client.page(f"/atendimento/consultas/{entry}")
    assert "(21) 96888-1206" in {span.get_text() for span in page.select(".go-nowrap")}
    assert numbers_outside_nowrap(page) == []
