"""Writes a validated catalog into the database, all or nothing.

Operators and products are upserted by slug, so their ids stay stable for rows that will
point at them (members, network); each product's children are replaced.  The caller owns the
transaction: on any error it rolls back and the database is as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..core.text import fold
from . import models
from .catalog import Catalog


@dataclass(frozen=True)
class LoadSummary:
    operators: int
    products: int
    procedures: int
    lay_terms: int


def load_catalog(session: Session, catalog: Catalog) -> LoadSummary:
    vocabulary = catalog.vocabulary

    # Each product's children are rebuilt from the files; delete them first (the unit of work
    # would insert the new rows before deleting the old ones and trip unique constraints).
    for child in (models.ProductProcedure, models.ProductState, models.ProductMunicipality,
                  models.WaitingPeriod, models.WaitingExemption, models.Exclusion):
        session.execute(delete(child))
    session.expire_all()
    session.execute(delete(models.LayTerm))
    existing = {p.id: p for p in session.scalars(select(models.Procedure))}
    wanted = {p.id for p in vocabulary.procedures}
    for proc_id, row in existing.items():
        if proc_id not in wanted:
            session.delete(row)
    for proc in vocabulary.procedures:
        row = existing.get(proc.id) or models.Procedure(id=proc.id)
        row.name, row.category, row.specialty = proc.name, proc.category, proc.specialty
        row.urgency, row.in_rol, row.terms = proc.urgency, proc.in_rol, list(proc.terms)
        session.add(row)
    for term in vocabulary.lay_terms:
        session.add(models.LayTerm(
            term=term.term, normalized=fold(term.term), procedures=list(term.procedures),
            categories=list(term.categories), topics=list(term.topics),
        ))
    session.flush()

    operators = {o.slug: o for o in session.scalars(select(models.Operator))}
    products = {p.slug: p for p in session.scalars(select(models.Product))}
    position = 0
    n_products = 0
    for file_name, content in catalog.files:
        op = content.operator
        op_row = operators.get(op.slug) or models.Operator(slug=op.slug)
        op_row.name, op_row.legal_name, op_row.ans_number, op_row.cnpj = (
            op.name, op.legal_name, op.ans_number, op.cnpj)
        op_row.contacts = [c.model_dump(mode="json") for c in op.contacts]
        op_row.source = {**content.source.model_dump(), "catalog_file": file_name}
        session.add(op_row)
        for product in content.products:
            row = products.get(product.slug) or models.Product(slug=product.slug)
            row.operator = op_row
            row.name = product.name
            row.ans_registration = product.ans_registration
            row.contract_type = product.contract_type
            row.contract_type_text = product.contract_type_text
            row.segmentation = product.segmentation
            row.coverage_kind = product.coverage_area.kind
            row.position = position
            row.document = product.model_dump(mode="json")
            position += 1
            n_products += 1
            area = product.coverage_area
            row.states = [models.ProductState(uf=uf) for uf in area.states]
            row.municipalities = [
                models.ProductMunicipality(ibge_code=code, name=name, position=i)
                for i, (code, name) in enumerate(zip(area.municipalities, area.municipality_names))
            ]
            row.procedures = [
                models.ProductProcedure(
                    procedure_id=item.procedure, category=cat.category, heading=cat.name,
                    wording=item.text, position=i,
                )
                for i, (cat, item) in enumerate(
                    (cat, item) for cat in product.coverage.categories for item in cat.procedures
                )
            ]
            row.waiting_periods = [
                models.WaitingPeriod(
                    position=i, label=item.label, section=item.section,
                    hours=item.period.hours, days=item.period.days,
                    applies_to_all=item.applies_to.all,
                    categories=list(item.applies_to.categories),
                    procedures=list(item.applies_to.procedures),
                )
                for i, item in enumerate(product.waiting_periods.items)
            ]
            row.exemptions = [
                models.WaitingExemption(code=e.id, text=e.text, reference=e.reference,
                                        effect=e.effect, position=i)
                for i, e in enumerate(product.waiting_periods.exemptions)
            ]
            row.exclusions = [
                models.Exclusion(position=i, reference=e.reference, text=e.text, topics=list(e.topics))
                for i, e in enumerate(product.exclusions)
            ]
            session.add(row)
    session.flush()
    return LoadSummary(
        operators=len(catalog.files), products=n_products,
        procedures=len(vocabulary.procedures), lay_terms=len(vocabulary.lay_terms),
    )
