"""Command line: ``flask --app webapp <group> <command>``.

    db upgrade | db check        migrations (Alembic owns the schema)
    catalog load | catalog check the plan catalog from webapp/plans/catalog/*.yaml
    assets build                 hashed static files (htmx comes from npm)
    network import               an operator's network file
    members import | demo        an operator's member file; the demo families (through the import)
    history import | import-authorizations | demo   usage statements and authorizations
    agents create | grant | revoke | deactivate | demo   support agents' accounts (no sign-up on the site)
    setup [--demo]               everything a fresh machine needs, in order
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .agents.demo import DEMO_PASSWORD, create_demo_agents
from .agents.services import (
    MIN_PASSWORD,
    PERMISSIONS,
    AgentError,
    create_agent,
    deactivate_agent,
    roles_text,
    set_permission,
)
from .core import assets as assets_module
from .core import clock, migrate
from .history.commands import create_demo_history, history_cli
from .members.commands import member_import
from .members.demo import create_demo_families
from .models import metadata
from .network.commands import network_cli
from .network_team.demo import create_demo_reports
from .plans.catalog import CATALOG_DIR, CatalogError, read_catalog
from .plans.loader import load_catalog

db_cli = AppGroup("db", help="Esquema do banco de dados (migrações Alembic).")
catalog_cli = AppGroup("catalog", help="Catálogo de planos a partir dos arquivos YAML.")
assets_cli = AppGroup("assets", help="Arquivos estáticos com nomes por conteúdo.")


def _engine():
    return current_app.extensions["db"].engine


def _write_session():
    return current_app.extensions["db"].write_session()


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Aplica as migrações até REVISION (padrão: head)."""
    migrate.upgrade(_engine(), revision)
    click.echo(f"Banco atualizado ({_engine().url.render_as_string(hide_password=True)}).")


@db_cli.command("check")
def db_check() -> None:
    """Confere se o banco migrado corresponde aos modelos."""
    diff = migrate.schema_differences(_engine(), metadata)
    if diff:
        for item in diff:
            click.echo(f"diferença: {item}", err=True)
        raise SystemExit(1)
    click.echo("Esquema em dia com os modelos.")


def _load(directory: Path) -> None:
    try:
        catalog = read_catalog(directory)
    except CatalogError as error:
        raise click.ClickException(f"catálogo não carregado — {error}") from None
    with _write_session() as session:
        summary = load_catalog(session, catalog)
    click.echo(
        f"Catálogo carregado: {summary.operators} operadoras, {summary.products} produtos, "
        f"{summary.procedures} procedimentos no vocabulário, {summary.lay_terms} termos leigos."
    )


@catalog_cli.command("load")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=CATALOG_DIR,
              show_default=True, help="Pasta com os arquivos do catálogo.")
def catalog_load(directory: Path) -> None:
    """Valida todos os arquivos e carrega o catálogo; com qualquer erro, nada muda."""
    _load(directory)


@catalog_cli.command("check")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=CATALOG_DIR,
              show_default=True)
def catalog_check(directory: Path) -> None:
    """Só valida os arquivos, sem tocar no banco."""
    try:
        catalog = read_catalog(directory)
    except CatalogError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Catálogo válido: {len(catalog.products)} produtos.")


@assets_cli.command("build")
def assets_build() -> None:
    """Gera static/dist com nomes por conteúdo e versões gzip."""
    try:
        manifest = assets_module.build_assets()
    except assets_module.AssetError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{len(manifest)} arquivos estáticos gerados.")


members_cli = AppGroup("members", help="Beneficiários: importação do arquivo da operadora, demonstração.")
members_cli.add_command(member_import)


def _create_demo_families() -> None:
    with _write_session() as session:
        created = create_demo_families(session, clock.today())
    click.echo(f"Famílias de demonstração: {created} beneficiários criados.")
    create_demo_history()
    _create_demo_agents()


@members_cli.command("demo")
def members_demo() -> None:
    """Cria uma família de demonstração por plano (idempotente)."""
    _create_demo_families()


agents_cli = AppGroup("agents", help="Contas da equipe de atendimento (não há cadastro pelo site).")


def _create_demo_agents() -> None:
    with _write_session() as session:
        created = create_demo_agents(session)
        reports = create_demo_reports(session, clock.utcnow())
    click.echo(f"Atendentes de demonstração: {created} criados (senha {DEMO_PASSWORD}).")
    if reports is None:
        click.echo("Relatos de demonstração para a equipe de rede: nenhum ainda (importe a rede de demonstração "
                   "e rode agents demo de novo).")
    else:
        click.echo(f"Relatos de demonstração para a equipe de rede: {reports} criados.")


@agents_cli.command("create")
@click.argument("username")
@click.option("--name", required=True, help="Nome completo do atendente.")
@click.option("--supervisor", is_flag=True, help="Pode ver o registro de acessos (/atendimento/auditoria).")
@click.option("--rede", "network_team", is_flag=True,
              help="Equipe de rede: trabalha a fila de relatos de erro (/atendimento/rede).")
def agents_create(username: str, name: str, supervisor: bool, network_team: bool) -> None:
    """Cria a conta USERNAME; a senha é pedida no terminal (nunca na linha de comando)."""
    password = click.prompt(f"Senha (mínimo {MIN_PASSWORD} caracteres)", hide_input=True,
                            confirmation_prompt="Repita a senha")
    try:
        with _write_session() as session:
            agent = create_agent(session, username, name, password, supervisor=supervisor, network_team=network_team)
    except AgentError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Atendente “{agent.username}” ({agent.name}, {roles_text(agent)}) criado.")


def _set_permission(username: str, permission: str, granted: bool) -> None:
    try:
        with _write_session() as session:
            agent = set_permission(session, username, permission, granted)
    except AgentError as error:
        raise click.ClickException(str(error)) from None
    done = "agora tem" if granted else "não tem mais"
    click.echo(f"Atendente “{agent.username}” ({agent.name}) {done} a permissão {permission} "
               f"({PERMISSIONS[permission]}); perfil: {roles_text(agent)}.")


@agents_cli.command("grant")
@click.argument("username")
@click.argument("permission", type=click.Choice(sorted(PERMISSIONS)))
def agents_grant(username: str, permission: str) -> None:
    """Dá a PERMISSION (rede: a fila de relatos de erro) à conta USERNAME, a partir da próxima página."""
    _set_permission(username, permission, True)


@agents_cli.command("revoke")
@click.argument("username")
@click.argument("permission", type=click.Choice(sorted(PERMISSIONS)))
def agents_revoke(username: str, permission: str) -> None:
    """Tira a PERMISSION da conta USERNAME, a partir da próxima página (a sessão continua)."""
    _set_permission(username, permission, False)


@agents_cli.command("deactivate")
@click.argument("username")
def agents_deactivate(username: str) -> None:
    """Desativa a conta USERNAME e encerra as sessões abertas dela (o registro de acessos fica)."""
    try:
        with _write_session() as session:
            agent = deactivate_agent(session, username)
    except AgentError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Atendente “{agent.username}” desativado.")


@agents_cli.command("demo")
def agents_demo() -> None:
    """Cria os atendentes de demonstração e, com a rede importada, relatos para a fila da equipe de
    rede (idempotente)."""
    _create_demo_agents()


@click.command("setup")
def setup() -> None:
    """Migra o banco e carrega o catálogo (e, com GUIA_DEMO=1, as famílias de demonstração)."""
    migrate.upgrade(_engine())
    click.echo("Banco migrado.")
    _load(CATALOG_DIR)
    if current_app.config.get("DEMO"):
        _create_demo_families()


def init_app(app: Flask) -> None:
    for command in (db_cli, catalog_cli, assets_cli, network_cli, members_cli, history_cli, agents_cli, setup):
        app.cli.add_command(command)
