"""An agent signs a member's phone out (a lost phone): from the look-up, audited, only the looked-up
family's devices, and the member's session on that phone ends with it."""

import pytest

from tests.support.agents import AGENT, agent_named, log_rows, look_up, lookup_id
from tests.support.databases import BACKENDS
from tests.support.members import CASSEMS_HOLDER_CPF, CASSEMS_SPOUSE_CPF, LEVE_HOLDER_CPF, member_by_cpf
from tests.support.pages import text_of
from webapp.members import devices
from webapp.members.models import MemberDevice

ANDROID = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36"


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_agent_sees_the_familys_devices_and_revokes_one_audited(agent_client, families, app, backend):
    holder, spouse = member_by_cpf(families, CASSEMS_HOLDER_CPF), member_by_cpf(families, CASSEMS_SPOUSE_CPF)
    holders_phone = devices.register_device(families, holder, ANDROID)
    spouses_phone = devices.register_device(families, spouse, ANDROID)
    other_family = devices.register_device(families, member_by_cpf(families, LEVE_HOLDER_CPF), ANDROID)
    member = app.test_client()
    with member.session_transaction() as sess:
        sess["member"] = {"id": spouse.id, "v": spouse.session_version, "d": spouses_phone.id}
    assert member.get("/carteirinha").status_code == 200

    entry = lookup_id(look_up(agent_client, CASSEMS_HOLDER_CPF))
    page = agent_client.page(f"/atendimento/consultas/{entry}")
    section = page.select_one("#aparelhos")
    assert [text_of(h) for h in section.select("h3")] == ["Mariana Alves Rocha", "Paulo Rocha", "Lívia Alves Rocha"]
    assert len(section.select(".go-devices__item")) == 2 and "Chrome no Android" in text_of(section)
    forms = {f["action"] for f in section.select("form")}
    assert forms == {f"/atendimento/consultas/{entry}/aparelhos/{d.id}/desconectar"
                     for d in (holders_phone, spouses_phone)}

    token = page.select_one("input[name=csrf_token]")["value"]
    response = agent_client.post(f"/atendimento/consultas/{entry}/aparelhos/{spouses_phone.id}/desconectar",
                                 data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/atendimento/consultas/{entry}?desconectado=1#aparelhos"
    agent = agent_named(families, AGENT)
    row = log_rows(families)[-1]
    assert (row.action, row.member_id, row.agent_id, row.lookup_id) == ("aparelho", spouse.id, agent.id, entry)
    assert row.detail.startswith("Chrome no Android")
    families.expire_all()
    assert families.get(MemberDevice, spouses_phone.id).revoked_by == f"atendente:{agent.id}"
    assert families.get(MemberDevice, holders_phone.id).revoked_at is None
    assert member.get("/carteirinha").status_code == 303  # that phone is signed out
    after = agent_client.page(f"/atendimento/consultas/{entry}?desconectado=1")
    assert "Aparelho desconectado" in text_of(after) and len(after.select("#aparelhos .go-devices__item")) == 1

    rows = len(log_rows(families))
    for device in (spouses_phone, other_family):  # already revoked; another family's
        url = f"/atendimento/consultas/{entry}/aparelhos/{device.id}/desconectar"
        assert agent_client.post(url, data={"csrf_token": token}).status_code == 404
    assert len(log_rows(families)) == rows
    families.expire_all()
    assert families.get(MemberDevice, other_family.id).revoked_at is None
