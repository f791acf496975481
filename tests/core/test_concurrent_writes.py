"""Every write path holds under concurrent requests, on SQLite and on PostgreSQL.

A real gunicorn with two sync workers shares one database; eight clients at a time visit a
short link, report errors, look members up, open statements, make links, sign in (some with a
password hash to upgrade), make a first password and sign out. No answer may be a 5xx, and every
count in the database must add up exactly. Closer looks follow, each with another writer
holding its transaction open at the worst moment: a count that decides an insert (the
error-report limit), a command-line import, two links drawing the same code; and a password
upgrade that must not overwrite a password changed meanwhile; a single-use reset link posted
from several phones at once; and two of the network team settling the same report at once.
"""

from __future__ import annotations

import ast
import os
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import webapp
from tests.support.databases import (
    BACKENDS,
    drop_postgres_database,
    prepared_engine,
    recreate_postgres_database,
)
from tests.support.network import row, write_csv
from tests.support.server import Browser, gunicorn
from webapp.agents.demo import DEMO_PASSWORD as AGENT_PASSWORD
from webapp.agents.demo import create_demo_agents, demo_password_hash
from webapp.agents.models import AccessLog, Agent, ShortLink
from webapp.core import clock
from webapp.db import writing
from webapp.members.demo import DEMO_PASSWORD, create_demo_families, make_cpf
from webapp.members import recovery
from webapp.members.models import Member, PasswordReset
from webapp.network.importer import import_network
from webapp.network.models import DataReport, Provider
from webapp.network.services import REPORTS_PER_HOUR, TooManyReports, client_hash, record_report
from webapp.network.models import Location

WORKERS = 2
PARALLEL = 8
VISITS = 64
REPORTS = 12  # from one address: exactly REPORTS_PER_HOUR may go in
REHASH_MEMBERS = (11, 21)  # demo seeds whose stored hash uses weaker argon2 parameters
SIGN_OUT_MEMBERS = (31, 41, 51)
FIRST_ACCESS_MEMBER = 62  # has no password yet
FIRST_ACCESS_ATTEMPTS = 4  # at once, each with its own password: one wins
LOOKUP_TARGETS = [make_cpf(seed) for seed in (11, 12, 21, 22, 31, 32, 41, 51, 52, 61)]  # 42: MASTER has no spouse
# Weaker than the library's defaults (the servers here) and than the tests' own cheap parameters
# (TestingConfig.PASSWORD_HASHING), so a sign-in re-hashes the password.
OLD_HASHER = PasswordHasher(time_cost=1, memory_cost=4 * 1024, parallelism=1)
CURRENT_HASHER = PasswordHasher()
SECRET = "concurrency-test"
PG_DB = f"guia_concurrency_{os.getpid()}"


@dataclass
class Site:
    base: str
    url: str
    engine: Engine
    provider_id: int
    first_access: dict  # the newcomer's CPF, birth date and card number
    tmp_path: Path

    @property
    def provider_path(self) -> str:
        return f"/rede/dentista/{self.provider_id}"


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    """One database per backend with the demo families, agents and a provider, served by gunicorn."""
    backend = request.param
    tmp_path = tmp_path_factory.mktemp(f"concorrencia-{backend}")
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'concorrencia.sqlite3'}"
    else:
        url = recreate_postgres_database(PG_DB)
    engine = prepared_engine(url)
    with Session(engine) as session:
        create_demo_families(session, clock.today())
        create_demo_agents(session)
        session.add_all([
            Agent(username="plantonista", name="Agente Com Hash Antigo", password_hash=OLD_HASHER.hash(AGENT_PASSWORD),
                  is_supervisor=False, active=True, session_version=0),
            Agent(username="noturno", name="Agente Que Sai", password_hash=demo_password_hash(),
                  is_supervisor=False, active=True, session_version=0),
        ])
        for seed in REHASH_MEMBERS:
            member_by_seed(session, seed).password_hash = OLD_HASHER.hash(DEMO_PASSWORD)
        newcomer = member_by_seed(session, FIRST_ACCESS_MEMBER)
        newcomer.password_hash = newcomer.password_set_at = None
        report = import_network(session, write_csv(tmp_path / "rede.csv", [row()]), today=clock.today())
        assert report.rejects == []
        provider_id = session.scalars(select(Provider.id)).one()
        first_access = {"cpf": newcomer.cpf, "nascimento": newcomer.birth_date.isoformat(),
                        "carteirinha": newcomer.card_number}
        session.commit()
    # No REDIS_URL: sign-in counters stay in each worker, away from other test runs' keys.
    env = {"DATABASE_URL": url, "SECRET_KEY": SECRET, "GUIA_ENV": "development", "REDIS_URL": None}
    try:
        with gunicorn(env, workers=WORKERS) as base:
            yield Site(base, url, engine, provider_id, first_access, tmp_path)
    finally:
        engine.dispose()
        if backend == "postgresql":
            drop_postgres_database(PG_DB)


def member_by_seed(session, seed: int) -> Member:
    return session.scalars(select(Member).where(Member.cpf == make_cpf(seed))).one()


def member_signed_in(site: Site, log: list, seed: int) -> Browser:
    browser = Browser(site.base, log)
    token = browser.csrf("/entrar")
    status, body, _ = browser.post("/entrar", {"login": make_cpf(seed), "senha": DEMO_PASSWORD, "csrf_token": token})
    assert status == 303, body[:500]
    return browser


def agent_signed_in(site: Site, log: list, username: str) -> Browser:
    browser = Browser(site.base, log)
    token = browser.csrf("/atendimento/entrar")
    status, body, _ = browser.post("/atendimento/entrar", {"usuario": username, "senha": AGENT_PASSWORD,
                                                            "csrf_token": token})
    assert status == 303, body[:500]
    return browser


def path_of(headers: dict) -> str:
    location = headers["Location"]
    return "/" + location.split("://", 1)[1].partition("/")[2] if "://" in location else location


@pytest.mark.slow  # gunicorn serving both databases
def test_concurrent_writers_get_no_5xx_and_the_counts_add_up(site):
    log: list = []

    # --- people already signed in, and what they will act on -----------------------------------
    agents = {name: agent_signed_in(site, log, name) for name in ("atendente", "supervisora")}
    tokens = {name: browser.csrf("/atendimento") for name, browser in agents.items()}
    lookups = {}
    for name, browser in agents.items():
        status, body, headers = browser.post("/atendimento", {"identificador": make_cpf(61), "motivo": "ligacao",
                                                              "protocolo": "", "csrf_token": tokens[name]})
        assert status == 303, body[:500]
        lookups[name] = int(path_of(headers).rsplit("/", 1)[1])
    status, body, headers = agents["atendente"].post(
        f"/atendimento/consultas/{lookups['atendente']}/enviar-link",
        {"tipo": "plano", "plano": "leve-dental-rj-1-adesao", "secao": "carencias", "validade": "30",
         "csrf_token": tokens["atendente"]})
    assert status == 303, body[:500]
    code = path_of(headers).rsplit("/", 1)[1]
    leaving_members = {seed: member_signed_in(site, log, seed) for seed in SIGN_OUT_MEMBERS}
    member_tokens = {seed: browser.csrf("/privacidade") for seed, browser in leaving_members.items()}
    night = agent_signed_in(site, log, "noturno")
    night_token = night.csrf("/atendimento")
    reporter = Browser(site.base, log)
    _, _, headers = reporter.get(site.provider_path)
    report_token = reporter.csrf(path_of(headers))

    # --- the writers, all at once ---------------------------------------------------------------
    def visit():
        return "visita", Browser(site.base, log).get(f"/s/{code}")[0]

    def report():
        return "aviso", reporter.post(f"{site.provider_path}/erro", {"motivo": "telefone-errado",
                                                                      "csrf_token": report_token})[0]

    def look_up(name, identifier):
        return "consulta", agents[name].post("/atendimento", {"identificador": identifier, "motivo": "whatsapp",
                                                              "protocolo": "123", "csrf_token": tokens[name]})[0]

    def open_statement(name):
        return "extrato", agents[name].post(f"/atendimento/consultas/{lookups[name]}/extrato",
                                            {"csrf_token": tokens[name]})[0]

    def make_link(name):
        return "link", agents[name].post(f"/atendimento/consultas/{lookups[name]}/enviar-link",
                                         {"tipo": "plano", "plano": "leve-dental-rj-1-adesao", "secao": "reembolso",
                                          "validade": "7", "csrf_token": tokens[name]})[0]

    def member_sign_in(seed):
        browser = Browser(site.base, log)
        token = browser.csrf("/entrar")
        return "entrada", browser.post("/entrar", {"login": make_cpf(seed), "senha": DEMO_PASSWORD,
                                                   "csrf_token": token})[0]

    def agent_sign_in():
        browser = Browser(site.base, log)
        token = browser.csrf("/atendimento/entrar")
        return "entrada-atendente", browser.post("/atendimento/entrar", {"usuario": "plantonista",
                                                                         "senha": AGENT_PASSWORD,
                                                                         "csrf_token": token})[0]

    def first_access(attempt):
        browser = Browser(site.base, log)
        token = browser.csrf("/primeiro-acesso")
        password = f"minha-senha-{attempt}"
        status = browser.post("/primeiro-acesso", {**site.first_access, "senha": password, "confirmacao": password,
                                                   "csrf_token": token})[0]
        return f"primeiro-acesso:{password}", status

    def member_sign_out(seed):
        return "saida", leaving_members[seed].post("/sair", {"csrf_token": member_tokens[seed]})[0]

    def agent_sign_out():
        return "saida-atendente", night.post("/atendimento/sair", {"csrf_token": night_token})[0]

    jobs = [visit] * VISITS + [report] * REPORTS
    for name in agents:
        jobs += [lambda n=name, i=i: look_up(n, LOOKUP_TARGETS[i]) for i in range(len(LOOKUP_TARGETS))]
        jobs += [lambda n=name, i=i: look_up(n, f"000.000.{i:03d}-00") for i in range(3)]  # nobody
        jobs += [lambda n=name: open_statement(n)] * 3 + [lambda n=name: make_link(n)] * 2
    jobs += [lambda s=seed: member_sign_in(s) for seed in REHASH_MEMBERS for _ in range(2)]
    jobs += [agent_sign_in] * 3
    jobs += [lambda s=seed: member_sign_out(s) for seed in SIGN_OUT_MEMBERS] + [agent_sign_out]
    random.Random(12).shuffle(jobs)
    # The first accesses go first, so both workers are between reading "no password yet" and
    # storing theirs at the same time.
    jobs = [lambda i=i: first_access(i) for i in range(FIRST_ACCESS_ATTEMPTS)] + jobs
    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(lambda job: job(), jobs))

    failures = Counter((method, path.split("/")[1]) for status, method, path, _ in log if status >= 500)
    assert not failures, f"{failures.total()} respostas 5xx de {len(log)}: {dict(failures)}"
    by_kind = Counter((kind.partition(":")[0], status) for kind, status in results)
    assert by_kind[("visita", 302)] == VISITS
    assert by_kind[("aviso", 303)] == REPORTS_PER_HOUR and by_kind[("aviso", 429)] == REPORTS - REPORTS_PER_HOUR
    assert by_kind[("consulta", 303)] == 2 * len(LOOKUP_TARGETS) and by_kind[("consulta", 404)] == 2 * 3
    assert by_kind[("extrato", 303)] == 2 * 3 and by_kind[("link", 303)] == 2 * 2
    assert by_kind[("entrada", 303)] == 2 * len(REHASH_MEMBERS) and by_kind[("entrada-atendente", 303)] == 3
    assert by_kind[("primeiro-acesso", 303)] == 1 and by_kind[("primeiro-acesso", 400)] == FIRST_ACCESS_ATTEMPTS - 1
    assert by_kind[("saida", 303)] == len(SIGN_OUT_MEMBERS) and by_kind[("saida-atendente", 303)] == 1

    with Session(site.engine) as session:
        assert session.scalar(select(ShortLink.visits).where(ShortLink.code == code)) == VISITS
        reporter_hash = client_hash(SECRET, "127.0.0.1")
        assert session.scalar(select(func.count()).where(DataReport.client_hash == reporter_hash)) == REPORTS_PER_HOUR
        actions = Counter(session.scalars(select(AccessLog.action)))
        assert actions == {"consulta": 2 + 2 * len(LOOKUP_TARGETS), "nao-encontrado": 2 * 3, "extrato": 2 * 3,
                           "link": 1 + 2 * 2}
        assert session.scalar(select(func.count()).select_from(ShortLink)) == 1 + 2 * 2
        for seed in REHASH_MEMBERS:
            stored = member_by_seed(session, seed).password_hash
            assert not CURRENT_HASHER.check_needs_rehash(stored) and CURRENT_HASHER.verify(stored, DEMO_PASSWORD)
        agent = session.scalars(select(Agent).where(Agent.username == "plantonista")).one()
        assert not CURRENT_HASHER.check_needs_rehash(agent.password_hash)
        assert CURRENT_HASHER.verify(agent.password_hash, AGENT_PASSWORD)
        winner = next(kind.partition(":")[2] for kind, status in results
                      if kind.startswith("primeiro-acesso") and status == 303)
        newcomer = member_by_seed(session, FIRST_ACCESS_MEMBER)
        assert CURRENT_HASHER.verify(newcomer.password_hash, winner)
        for kind, _status in results:
            if kind.startswith("primeiro-acesso:") and kind != f"primeiro-acesso:{winner}":
                with pytest.raises(VerificationError):
                    CURRENT_HASHER.verify(newcomer.password_hash, kind.partition(":")[2])
        assert {member_by_seed(session, seed).session_version for seed in SIGN_OUT_MEMBERS} == {1}
        assert session.scalars(select(Agent.session_version).where(Agent.username == "noturno")).one() == 1


def held_write(engine: Engine, client: str, started: threading.Event, release: threading.Event,
               provider_id: int) -> None:
    """Another writer: one error report, its transaction held open until *release*."""
    with Session(engine) as session, writing(session):
        record_report(session, provider_id, "outro", None, client, clock.utcnow())
        started.set()
        release.wait(10)


@pytest.mark.slow  # gunicorn serving both databases
def test_a_report_past_the_limit_waits_for_the_transaction_that_counts(site):
    """Count, then insert under the limit: a second transaction must count after the first one
    commits (PostgreSQL: an advisory lock; SQLite: the write lock), or both see room for one more."""
    client = "relator-de-teste"
    with Session(site.engine) as session, writing(session):
        for _ in range(REPORTS_PER_HOUR - 1):
            record_report(session, site.provider_id, "outro", None, client, clock.utcnow())
    started, outcome = threading.Event(), []

    def second():
        started.wait(10)
        with Session(site.engine) as session:
            try:
                with writing(session):
                    record_report(session, site.provider_id, "outro", None, client, clock.utcnow())
                outcome.append("aceito")
            except TooManyReports:
                outcome.append("recusado")

    other = threading.Thread(target=second)
    other.start()
    with Session(site.engine) as session, writing(session):
        record_report(session, site.provider_id, "outro", None, client, clock.utcnow())  # the last one allowed
        started.set()
        time.sleep(0.5)  # the second one is now waiting for this transaction (not yet committed)
    other.join(20)
    assert outcome == ["recusado"]
    with Session(site.engine) as session:
        assert session.scalar(select(func.count()).where(DataReport.client_hash == client)) == REPORTS_PER_HOUR


@pytest.mark.slow  # gunicorn serving both databases
def test_an_import_waits_for_a_writer_instead_of_failing(site):
    """A command-line import while the app holds a write open: it waits, then goes in whole."""
    from webapp import create_app

    app = create_app({"DATABASE_URL": site.url, "SECRET_KEY": SECRET, "TESTING": True})
    csv_file = write_csv(site.tmp_path / "importacao.csv", [row(provider_key="P2", location_key="P2-L1",
                                                                 name="Dr. Importado Depois")])
    started, release = threading.Event(), threading.Event()
    writer = threading.Thread(target=held_write, args=(site.engine, "escritor-de-teste", started, release,
                                                       site.provider_id))
    writer.start()
    started.wait(10)
    threading.Timer(1.0, release.set).start()  # the app's transaction ends while the import runs
    result = app.test_cli_runner().invoke(args=["network", "import", str(csv_file)])
    writer.join(20)
    app.extensions["db"].engine.dispose()
    assert result.exit_code == 0, result.output + repr(result.exception)
    with Session(site.engine) as session:
        assert session.scalar(select(Provider.name).where(Provider.key == "P2")) == "Dr. Importado Depois"
        assert session.scalar(select(func.count()).where(DataReport.client_hash == "escritor-de-teste")) == 1


@pytest.mark.slow  # gunicorn serving both databases
def test_two_links_drawing_the_same_code_both_get_made(site, monkeypatch):
    """Another transaction inserts code X and has not committed when this one draws X too: the
    unique index decides once that one commits, and this link draws again instead of failing."""
    from webapp.agents import services as agent_services

    with Session(site.engine) as session:
        agent = session.scalars(select(Agent).where(Agent.username == "supervisora")).one()
    taken, fresh = "X" * agent_services.CODE_LENGTH, "Y" * agent_services.CODE_LENGTH
    started, release = threading.Event(), threading.Event()

    def first():
        with Session(site.engine) as session, writing(session):
            link = agent_services.create_short_link(session, agent, "busca", "/rede", "Primeiro", 7, clock.utcnow())
            assert link.code == taken
            started.set()
            release.wait(10)

    draws = iter([taken, taken, fresh])
    monkeypatch.setattr(agent_services, "new_code", lambda: next(draws))
    other = threading.Thread(target=first)
    other.start()
    started.wait(10)
    threading.Timer(0.5, release.set).start()
    with Session(site.engine) as session, writing(session):
        code = agent_services.create_short_link(session, agent, "busca", "/rede", "Segundo", 7, clock.utcnow()).code
    other.join(20)
    assert code == fresh
    with Session(site.engine) as session:
        titles = dict(session.execute(select(ShortLink.code, ShortLink.title)
                                      .where(ShortLink.code.in_([taken, fresh]))).all())
    assert titles == {taken: "Primeiro", fresh: "Segundo"}


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_a_password_upgrade_keeps_a_password_changed_meanwhile(session):
    from webapp.core import passwords

    create_demo_families(session, clock.today())
    member = member_by_seed(session, 11)
    member.password_hash = OLD_HASHER.hash(DEMO_PASSWORD)
    session.flush()
    new_hash = passwords.upgraded_hash(member.password_hash, DEMO_PASSWORD)
    assert new_hash is not None and passwords.upgraded_hash(new_hash, DEMO_PASSWORD) is None
    # Between this sign-in's check and its write, another request stores a new password.
    session.connection().execute(Member.__table__.update().where(Member.__table__.c.id == member.id)
                                 .values(password_hash="trocada-por-outro-pedido"))
    passwords.replace_password_hash(session, member, new_hash)
    session.expire_all()
    assert member.password_hash == "trocada-por-outro-pedido"
    passwords.replace_password_hash(session, member, new_hash)  # nothing changed meanwhile this time
    session.expire_all()
    assert member.password_hash == new_hash


def test_a_change_made_before_writing_is_refused(session):
    create_demo_families(session, clock.today())
    member = member_by_seed(session, 11)
    member.phone = "(67) 99999-0000"
    with pytest.raises(RuntimeError, match="pendentes"), writing(session):
        pass


PACKAGE = Path(webapp.__file__).parent


def commits(path: Path) -> list[str]:
    """Where *path* calls ``<something>.commit()``."""
    return [f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"]


def test_every_write_goes_through_writing():
    """A commit anywhere else would be a write that began deferred: on SQLite, the read-then-write
    transaction that fails with "database is locked" under load."""
    offenders = [hit for path in sorted(PACKAGE.rglob("*.py")) if path != PACKAGE / "db.py" for hit in commits(path)]
    assert offenders == [], "use webapp.db.writing / Database.write_session: " + ", ".join(offenders)
    assert commits(PACKAGE / "db.py"), "the scan must recognise session.commit()"


RESET_LINK_MEMBER = 32  # a spouse nobody else in this module signs in as
RESET_LINK_ATTEMPTS = 6  # at once, each with its own new password: one wins


@pytest.mark.slow  # gunicorn serving both databases
def test_a_reset_link_opened_by_many_at_once_sets_one_password(site):
    """An agent's reset link (single use) posted from several phones at once: one new password is
    set, the others are told the link is gone, nobody gets a 5xx."""
    with Session(site.engine) as session, writing(session):
        member = member_by_seed(session, RESET_LINK_MEMBER)
        agent_id = session.scalars(select(Agent.id)).first()
        issued = recovery.issue_link(session, member, agent_id, SECRET, clock.utcnow())
        member_id, birth = member.id, member.birth_date.isoformat()
    path = f"/nova-senha/{issued.secret}"
    log: list = []
    phones = [Browser(site.base, log) for _ in range(RESET_LINK_ATTEMPTS)]
    tokens = [phone.csrf(path) for phone in phones]
    passwords = [f"senha-nova-{n}-ok" for n in range(RESET_LINK_ATTEMPTS)]
    with ThreadPoolExecutor(RESET_LINK_ATTEMPTS) as pool:
        answers = list(pool.map(
            lambda n: phones[n].post(path, {"nascimento": birth, "senha": passwords[n], "confirmacao": passwords[n],
                                            "csrf_token": tokens[n]}), range(RESET_LINK_ATTEMPTS)))
    statuses = Counter(status for status, _, _ in answers)
    assert statuses[303] == 1 and statuses[410] == RESET_LINK_ATTEMPTS - 1, statuses
    assert not [entry for entry in log if entry[0] >= 500]
    winner = next(n for n, (status, _, _) in enumerate(answers) if status == 303)
    with Session(site.engine) as session:
        stored = session.get(Member, member_id).password_hash
        used = session.scalars(select(PasswordReset).where(PasswordReset.id == issued.reset_id)).one()
    assert used.used_at is not None
    assert [n for n in range(RESET_LINK_ATTEMPTS) if verifies(stored, passwords[n])] == [winner]


def verifies(password_hash: str, password: str) -> bool:
    try:
        return CURRENT_HASHER.verify(password_hash, password)
    except VerificationError:
        return False


CONFIRMING_MEMBERS = (11, 21, 31, 41, 51)  # holders of five families
DOUBLE_TAPS = 6


@pytest.mark.slow  # gunicorn serving both databases
def test_answers_about_a_visit_hold_under_double_taps_and_racing_refusals(site):
    """"Fui atendido pelo plano" tapped six times at once: one answer, the others told it is
    there (409). Then the last two of four families' "Não aceitou meu plano" at the same moment:
    one report, not two."""
    from datetime import timedelta

    from tests.support.history import usage_row, write_csv as write_usage
    from webapp.history.confirmations import REPORT_MARKER
    from webapp.history.importer import import_usage
    from webapp.history.models import UsageConfirmation, UsageEvent

    visited = (clock.today() - timedelta(days=3)).isoformat()
    with Session(site.engine) as session, writing(session):
        rows = [usage_row(event_id=f"CONFIRMA-{seed}", card_number=member_by_seed(session, seed).card_number,
                          performed_on=visited, provider_key="P1", location_key="P1-L1")
                for seed in CONFIRMING_MEMBERS]
        assert import_usage(session, write_usage(site.tmp_path / "confirmacoes.csv", rows)).rejects == []
        events = dict(session.execute(select(UsageEvent.event_key, UsageEvent.id)
                                      .where(UsageEvent.event_key.like("CONFIRMA-%"))).all())
    log: list = []
    members = {seed: member_signed_in(site, log, seed) for seed in CONFIRMING_MEMBERS}
    tokens = {seed: browser.csrf("/extrato") for seed, browser in members.items()}

    def tap(seed: int, answer: str) -> int:
        return members[seed].post(f"/extrato/{events[f'CONFIRMA-{seed}']}/confirmacao",
                                  {"resposta": answer, "csrf_token": tokens[seed]})[0]

    with ThreadPoolExecutor(DOUBLE_TAPS) as pool:
        statuses = Counter(pool.map(lambda _: tap(11, "atendido"), range(DOUBLE_TAPS)))
    assert statuses == {303: 1, 409: DOUBLE_TAPS - 1}, statuses

    assert tap(21, "recusado") == 303 and tap(31, "recusado") == 303
    with ThreadPoolExecutor(2) as pool:
        racing = list(pool.map(lambda seed: tap(seed, "recusado"), (41, 51)))
    assert racing == [303, 303]
    assert not [entry for entry in log if entry[0] >= 500]
    with Session(site.engine) as session:
        answers = Counter(session.scalars(select(UsageConfirmation.answer).where(
            UsageConfirmation.usage_event_id.in_(list(events.values())))))
        assert answers == {"atendido": 1, "recusado": 4}
        assert session.scalar(select(func.count()).where(DataReport.source == REPORT_MARKER,
                                                         DataReport.priority == "alta")) == 1


@pytest.mark.slow  # gunicorn serving both databases (the site's database, its server unused here)
def test_a_refusal_waits_for_the_transaction_that_counts_them(site):
    """The third family's refusal opens the report and has not committed when the fourth comes:
    the fourth must count after it (PostgreSQL: an advisory lock; SQLite: the write lock), or
    both see three families and open two reports."""
    from datetime import timedelta

    from tests.support.history import usage_row, write_csv as write_usage
    from webapp.history import confirmations
    from webapp.history.importer import import_usage
    from webapp.history.models import UsageEvent

    seeds = (11, 21, 31, 41)
    with Session(site.engine) as session, writing(session):
        report = import_network(session, write_csv(site.tmp_path / "p9.csv", [row(provider_key="P9", location_key="P9-L1",
                                                                                 name="Dra. Corrida", cro_number="99")]))
        assert report.rejects == []
        visited = (clock.today() - timedelta(days=2)).isoformat()
        people = {seed: member_by_seed(session, seed) for seed in seeds}
        rows = [usage_row(event_id=f"CORRIDA-{seed}", card_number=people[seed].card_number, performed_on=visited,
                          provider_key="P9", location_key="P9-L1") for seed in seeds]
        assert import_usage(session, write_usage(site.tmp_path / "corrida.csv", rows)).rejects == []
        events = dict(session.execute(select(UsageEvent.event_key, UsageEvent.id)
                                      .where(UsageEvent.event_key.like("CORRIDA-%"))).all())
        provider_id = session.scalar(select(Provider.id).where(Provider.key == "P9"))
        people = {seed: member.id for seed, member in people.items()}
    rules = confirmations.Rules()

    def refuse(session, seed):
        return confirmations.answer(session, events[f"CORRIDA-{seed}"], [people[seed]], people[seed], "recusado",
                                    clock.today(), clock.utcnow(), rules)

    for seed in seeds[:2]:
        with Session(site.engine) as session, writing(session):
            assert refuse(session, seed).report_id is None
    started, outcome = threading.Event(), []

    def fourth():
        started.wait(10)
        with Session(site.engine) as session, writing(session):
            outcome.append(refuse(session, seeds[3]).report_id)

    other = threading.Thread(target=fourth)
    other.start()
    with Session(site.engine) as session, writing(session):
        assert refuse(session, seeds[2]).report_id is not None  # the third family: the report
        started.set()
        time.sleep(0.5)  # the fourth is now waiting for this transaction (not yet committed)
    other.join(20)
    assert outcome == [None]
    with Session(site.engine) as session:
        assert session.scalar(select(func.count()).where(DataReport.provider_id == provider_id)) == 1


TEAM_ROUNDS = ("fechado", "horario-errado", "especialidade-errada", "outro")  # one report each


@pytest.mark.slow  # gunicorn serving both databases
def test_two_team_members_settling_one_report_at_once_one_wins(site):
    """The network team's actions start with ``UPDATE data_report … WHERE status = 'novo'``: of two
    people settling the same report at the same moment (one verifies it, the other rejects it),
    one wins and the other is told so (409), nothing of theirs written, nobody gets a 5xx."""
    with Session(site.engine) as session, writing(session):
        session.add(Agent(username="equipe-dois", name="Otávio Reis", password_hash=demo_password_hash(),
                          is_network_team=True, active=True, session_version=0))
        for n, reason in enumerate(TEAM_ROUNDS):
            record_report(session, site.provider_id, reason, None, f"equipe-{n}", clock.utcnow())
        session.flush()
        reports = list(session.scalars(select(DataReport.id).where(DataReport.client_hash.like("equipe-%"))
                                       .order_by(DataReport.id)))
        location_id = session.scalars(select(Location.id).where(Location.provider_id == site.provider_id)).first()
    log: list = []
    team = [agent_signed_in(site, log, name) for name in ("equipe-rede", "equipe-dois")]
    outcomes = []
    for report_id in reports:
        page = f"/atendimento/rede/relatos/{report_id}"
        tokens = [browser.csrf(page) for browser in team]
        posts = [(f"{page}/verificar", {"local": str(location_id), "csrf_token": tokens[0]}),
                 (f"{page}/rejeitar", {"justificativa": "Conferido por telefone.", "csrf_token": tokens[1]})]
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda i: team[i].post(*posts[i]), range(2)))
        outcomes.append(sorted(status for status, _, _ in answers))
        loser = next(body for status, body, _ in answers if status == 409)
        assert "Este relato já foi resolvido por" in loser and "Nada foi alterado agora" in loser
    assert outcomes == [[303, 409]] * len(reports)
    assert not [entry for entry in log if entry[0] >= 500]
    with Session(site.engine) as session:
        settled = session.scalars(select(DataReport).where(DataReport.id.in_(reports))).all()
        assert {r.status for r in settled} <= {"resolvido", "rejeitado"}
        assert all(r.resolved_by is not None for r in settled)
        actions = Counter(session.scalars(select(AccessLog.action).where(AccessLog.action.in_(
            ["rede-verificado", "rede-rejeitado"]))))
        assert actions.total() == len(reports)  # one audited action per report: the winner's
        verified = sum(r.status == "resolvido" for r in settled)
        assert actions["rede-verificado"] == verified
