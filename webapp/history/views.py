"""The statement (/extrato, and its CSV) and the authorizations (/autorizacoes) of the signed-in
member's family.

Pages are built from the session, never from an id in the URL: ``pessoa`` only picks among the
people the signed-in member may see (a holder: the family; a dependant: themself); any other
id is refused.  Signed out → the sign-in page, coming back here (``member_required``).  Private,
never cached, as every page of a signed-in person (``core/responses.py``).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, make_response, redirect, request, url_for

from ..core import clock
from ..core.access import member_required
from ..core.formatting import data
from ..core.parsing import ParseError, parse_id
from ..core.rendering import render_page, wants_fragment
from ..db import get_session, writing
from ..members.services import visible_family
from ..plans import services as plan_services
from . import confirmations, departures, odontogram, services, teeth
from . import params as params_module
from .importer import guide_validity

bp = Blueprint("history", __name__)

STATEMENT_TARGET = "extrato"
NO_CONFIRMATION = {"event_id": None, "kind": "", "text": ""}


def _family_and_filters(db):
    """The people the signed-in member may see, and the statement's filters from the URL."""
    people = visible_family(db, g.member)
    return people, params_module.parse(request.args, [p.id for p in people])


@bp.get("/extrato")
@member_required
def statement():
    db = get_session()
    people, params = _family_and_filters(db)
    if params.errors:
        # htmx does not swap a 4xx answer: the fragment it asked for carries the errors with a 200.
        return _statement_errors(db, people, params, 200 if wants_fragment(STATEMENT_TARGET) else 400)
    try:  # the event just answered (after the redirect), to thank for it where it is
        thanked = parse_id(request.args.get("confirmado") or "")
    except ParseError:
        thanked = None
    return _statement_page(db, people, params, confirmation={"event_id": thanked, "kind": "obrigado"})


def _statement_page(db, people, params, status: int = 200, confirmation: dict | None = None):
    """The statement; *confirmation* is what to say at one event about its answer:
    ``{"event_id": …, "kind": "obrigado" | "ja-respondido" | "erro", "text": …}``."""
    context = _statement_context(people, params)
    found = services.statement(db, people, params)
    today, rules = clock.today(), confirmations.Rules.from_config(current_app.config)
    context.update(
        answers=confirmations.ANSWERS, confirmation={**NO_CONFIRMATION, **(confirmation or {})},
        answer_days=rules.max_age_days,
        answerable={e.id for e in found.events if e.answer is None and confirmations.answerable(
            source=e.source, status=e.status, performed_on=e.performed_on, provider_id=e.provider_id,
            location_key=e.location_key, location_id=e.location_id, today=today, rules=rules)},
    )
    person = next(p for p in people if p.id == (params.pessoa or g.member.id))
    marks = services.tooth_marks(db, person)
    deciduous = odontogram.shows_deciduous(person.birth_date, clock.today(), marks)

    def tooth_href(number: int) -> str:
        return url_for("history.statement", pessoa=person.id, dente=number, _anchor="procedimentos")

    context.update(
        statement=found, years=sorted(set(found.years) | ({params.ano} if params.ano else set()), reverse=True),
        chart={"person": person, "marks": marks, "href": tooth_href,
               "sides": odontogram.render_sides(marks, tooth_href, params.dente, deciduous=deciduous),
               "deciduous": deciduous,
               "legend": [(state, teeth.STATE_NAMES[state], odontogram.legend_swatch(state))
                          for state in teeth.STATE_ORDER]},
        csv_url=url_for("history.statement_csv", **params.query()),
        filter_labels=_filter_labels(params, people),
    )
    response = render_page("history/statement.html", fragments={STATEMENT_TARGET: "statement"}, status=status,
                           **context)
    if status >= 400:
        response.headers["HX-Reswap"] = "outerHTML"  # app.js swaps a 4xx answer that says how
    if wants_fragment(STATEMENT_TARGET):
        # The form sends its empty fields too; the address bar gets only the filters in use.
        response.headers["HX-Push-Url"] = url_for("history.statement", **params.query())
    return response


def _statement_context(people, params) -> dict:
    return dict(people=people, params=params, statement=None, chart=None, categories=plan_services.CATEGORY_NAMES,
                tooth_label=teeth.tooth_label, target=STATEMENT_TARGET, answers=confirmations.ANSWERS,
                answerable=set(), confirmation=NO_CONFIRMATION, answer_days=0)


@bp.post("/extrato/<id:event_id>/confirmacao")
@member_required
def confirm(event_id: int):
    """"Fui atendido pelo plano" / "Não aceitou meu plano" about one event: post/redirect/get back
    to the same statement (its filters come along as hidden fields) at that event, which then
    shows the answer. Once per event; another family's event is not found."""
    db = get_session()
    people = visible_family(db, g.member)
    params = params_module.parse(request.form, [p.id for p in people])
    if params.errors:  # only the way back: a filter that does not parse is left behind
        params = params_module.StatementParams()
    answer = request.form.get("resposta") or ""
    if answer not in confirmations.ANSWERS:
        return _statement_page(db, people, params, status=400, confirmation={
            "event_id": event_id, "kind": "erro",
            "text": "Escolha uma das respostas: “Fui atendido pelo plano” ou “Não aceitou meu plano”."})
    rules = confirmations.Rules.from_config(current_app.config)
    try:
        with writing(db):
            confirmations.answer(db, event_id, [p.id for p in people], g.member.id, answer, clock.today(),
                                 clock.utcnow(), rules)
    except confirmations.NotFound:
        abort(404)
    except confirmations.AlreadyAnswered as given:
        return _statement_page(db, people, params, status=409, confirmation={
            "event_id": event_id, "kind": "ja-respondido",
            "text": f"Você já tinha respondido sobre este atendimento: “{confirmations.ANSWERS[given.answer]}”. "
                    "A resposta é uma só por atendimento."})
    except confirmations.NotAnswerable:
        return _statement_page(db, people, params, status=400, confirmation={
            "event_id": event_id, "kind": "erro",
            "text": "Não é possível responder sobre este atendimento: a resposta vale para atendimentos "
                    f"na rede credenciada dos últimos {rules.max_age_days} dias."})
    return redirect(url_for("history.statement", **params.query(), confirmado=event_id,
                            _anchor=f"evento-{event_id}"), code=303)


def _statement_errors(db, people, params, status: int):
    context = _statement_context(people, params)
    return render_page("history/statement.html", fragments={STATEMENT_TARGET: "statement"},
                       status=status, years=services.years(db, people), **context)


def _filter_labels(params, people) -> list[str]:
    """The filters in use, in words (shown with the count, and on paper)."""
    labels = []
    if params.pessoa is not None:
        labels.append(next(p.name for p in people if p.id == params.pessoa))
    if params.ano is not None:
        labels.append(str(params.ano))
    if params.de is not None or params.ate is not None:
        labels.append(" ".join(part for part in (
            f"de {data(params.de)}" if params.de else "", f"até {data(params.ate)}" if params.ate else "") if part))
    if params.categoria is not None:
        labels.append(plan_services.CATEGORY_NAMES[params.categoria])
    if params.dente is not None:
        labels.append(teeth.tooth_label(params.dente))
    return labels


@bp.get("/extrato.csv")
@member_required
def statement_csv():
    db = get_session()
    people, params = _family_and_filters(db)
    if params.errors:
        return _statement_errors(db, people, params, 400)
    body = services.statement_csv(services.events(db, people, params))
    response = make_response(body)
    response.mimetype = "text/csv"
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="extrato-{clock.today().isoformat()}.csv"'
    return response


@bp.get("/autorizacoes")
@member_required
def authorizations():
    member = g.member
    db = get_session()
    people = visible_family(db, member)
    params = params_module.parse({"pessoa": request.args.get("pessoa", "")}, [p.id for p in people])
    product = plan_services.member_product(db, member.product_id)
    views = [] if params.errors else services.authorizations(db, people, clock.today(), person=params.pessoa)
    leaving = {}
    if views:  # open guias at a provider leaving the plan say so
        leaving = departures.open_guides_leaving(departures.departures(
            db, people, product, clock.today(), current_app.config["DEPARTURE_NOTICE_DAYS_AFTER"]))
    return render_page(
        "history/authorizations.html", status=400 if params.errors else 200, people=people, params=params,
        authorizations=views, product=product, validity=guide_validity(product.document),
        prior=plan_services.prior_authorization(product), today=clock.today(), leaving=leaving)
