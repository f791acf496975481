"""The demo history: plausible, within the waiting periods, idempotent, through the importer."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests.support.clock import TODAY
from tests.support.members import CASSEMS, family_of
from webapp.core.clock import TIMEZONE
from webapp.history import services
from webapp.history.demo import create_demo_history, demo_rows
from webapp.history.models import Authorization, UsageEvent
from webapp.members.models import Member
from webapp.plans import schedules as plan_schedules
from webapp.plans import services as plan_services
from webapp.plans.models import Procedure, Product


@pytest.fixture
def demo(families):
    summary = create_demo_history(families, TODAY)
    families.flush()
    return summary


def test_every_family_gets_a_history_through_the_importer(families, demo):
    assert demo.families == 6
    assert demo.usage.rejects == [] and demo.authorizations.rejects == []
    assert demo.usage.created == len(families.scalars(select(UsageEvent)).all()) > 6 * 15
    holders = families.scalars(select(Member).where(Member.holder_id.is_(None))).all()
    for holder in holders:
        people = [holder, *holder.dependants]
        found = services.statement(families, people, services.StatementParams())
        statuses = {e.status for e in found.events}
        assert {"realizado", "negado", "glosado"} <= statuses, holder.name
        assert {e.member_id for e in found.events} == {p.id for p in people}, holder.name
        assert len(found.by_year) >= 2  # the holder's history spans two calendar years
        guides = services.authorizations(families, people, TODAY)
        assert {"expirada", "negada", "executada", "autorizada", "em-analise"} <= {a.status for a in guides}
        denied = next(a for a in guides if a.status == "negada")
        assert denied.denial_clause and denied.denial_reason


def test_no_procedure_before_its_waiting_period_and_urgencies_after_24_hours(families, demo):
    events = families.scalars(select(UsageEvent).where(UsageEvent.status != "negado")).all()
    products: dict[int, object] = {}
    for event in events:
        member = families.get(Member, event.member_id)
        holder = member if member.is_holder else families.get(Member, member.holder_id)
        product = products.get(member.product_id)
        if product is None:
            product = products[member.product_id] = plan_services.get_product(
                families, families.get(Product, member.product_id).slug)
        procedure = families.get(Procedure, event.procedure_id)
        start_of_day = datetime.combine(event.performed_on, time(0), tzinfo=TIMEZONE)
        listed = {pp.procedure_id for pp in product.procedures}
        includes_rol = product.document["coverage"].get("includes_rol")
        assert procedure.id in listed or (includes_rol and procedure.in_rol), (product.slug, procedure.id)
        available = plan_schedules.procedure_availability(
            families, product, procedure.id, member.inclusion_at, holder_inclusion=holder.inclusion_at).available_at
        if plan_services.is_urgency_procedure(product, procedure):
            assert start_of_day >= member.inclusion_at + timedelta(hours=24), (product.slug, procedure.id)
            assert available is None or available <= start_of_day
        else:
            assert available is not None and available <= start_of_day, (product.slug, procedure.id, member.name)


def test_sequences_are_realistic(families, demo):
    holder, _, _ = family_of(families, CASSEMS)
    tooth_26 = families.scalars(select(UsageEvent).where(UsageEvent.member_id == holder.id, UsageEvent.tooth == 26)
                                .order_by(UsageEvent.performed_on, UsageEvent.id)).all()
    steps = [e.procedure_id for e in tooth_26]
    assert steps.index("pulpectomia") < steps.index("tratamento-endodontico-multirradicular")
    assert steps[-1].startswith("restauracao-")
    canal = next(e for e in tooth_26 if e.procedure_id == "tratamento-endodontico-multirradicular")
    guide = families.scalars(select(Authorization).where(Authorization.number == canal.authorization_number)).one()
    assert guide.status == "executada" and guide.requested_on < canal.performed_on
    first_day = min(e.performed_on for e in families.scalars(
        select(UsageEvent).where(UsageEvent.member_id == holder.id)))
    first = families.scalars(select(UsageEvent).where(UsageEvent.member_id == holder.id,
                                                      UsageEvent.performed_on == first_day)).all()
    assert any(e.procedure_id.startswith("consulta") for e in first)


def test_running_it_again_later_changes_nothing(families, demo):
    again = create_demo_history(families, TODAY + timedelta(days=40))
    assert again.usage.changed_anything is False and again.authorizations.changed_anything is False
    assert again.usage.unchanged == demo.usage.created


def test_without_demo_families_there_is_nothing_to_do(session):
    assert demo_rows(session, TODAY) == ([], [], 0)
    summary = create_demo_history(session, TODAY)
    assert (summary.families, summary.usage, summary.authorizations) == (0, None, None)


def test_the_members_demo_command_also_builds_the_histories(runner, session):
    result = runner.invoke(args=["members", "demo"])
    assert result.exit_code == 0, result.output
    assert "Extratos de demonstração (6 famílias)" in result.output
    again = runner.invoke(args=["history", "demo"])
    assert again.exit_code == 0 and "0 eventos novos, 0 alterados; 0 guias novas, 0 alteradas" in again.output
    assert session.scalars(select(UsageEvent)).first() is not None


def test_the_history_demo_command_without_families(runner):
    result = runner.invoke(args=["history", "demo"])
    assert result.exit_code == 0 and "nenhuma família de demonstração" in result.output


def test_dates_are_never_in_the_future(families, demo):
    latest = max(e.performed_on for e in families.scalars(select(UsageEvent)))
    assert latest <= TODAY
    assert all(a.requested_on <= TODAY for a in families.scalars(select(Authorization)))
    assert isinstance(latest, date)
