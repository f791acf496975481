"""Reading and validating the plan catalog files.

``read_catalog`` parses every file, validates it against :mod:`webapp.plans.schema` and
cross-checks references between files (vocabulary ids, categories, slugs).  It either returns
the whole catalog or raises :class:`CatalogError` naming the file, the product and the field —
it never returns half a catalog, so the loader can refuse to touch the database.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from .schema import PRODUCT_SLUGS, CatalogFile, Product, Vocabulary

# The catalog shipped with the app; GUIA_CATALOG_DIR points elsewhere (e.g. an operator's own files).
CATALOG_DIR = Path(os.environ.get("GUIA_CATALOG_DIR") or Path(__file__).parent / "catalog")
VOCABULARY_FILE = "vocabulary.yaml"


class CatalogError(Exception):
    """A catalog file is malformed; the message names the file, the product and the field."""

    def __init__(self, file: str, message: str, product: str | None = None, field: str | None = None):
        self.file, self.product, self.field = file, product, field
        where = [f"arquivo {file}"]
        if product:
            where.append(f"produto {product}")
        if field:
            where.append(f"campo {field}")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass(frozen=True)
class Catalog:
    vocabulary: Vocabulary
    files: tuple[tuple[str, CatalogFile], ...]  # (file name, content), sorted by name

    @property
    def products(self) -> list[Product]:
        return [p for _, f in self.files for p in f.products]


def _load_yaml(path: Path) -> object:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linha {mark.line + 1}, coluna {mark.column + 1})" if mark else ""
        raise CatalogError(path.name, f"YAML inválido{where}: {getattr(exc, 'problem', exc)}") from exc
    except UnicodeDecodeError as exc:
        raise CatalogError(path.name, "o arquivo não está em UTF-8") from exc


def _field_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _raise_validation(file: str, raw: object, exc: ValidationError) -> None:
    err = exc.errors(include_url=False)[0]
    loc = tuple(err["loc"])
    product = None
    if len(loc) >= 2 and loc[0] == "products" and isinstance(loc[1], int) and isinstance(raw, dict):
        try:
            product = raw["products"][loc[1]].get("slug") or f"#{loc[1] + 1}"
        except (AttributeError, IndexError, KeyError, TypeError):
            product = f"#{loc[1] + 1}"
        loc = loc[2:]
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "campo desconhecido"
    elif err["type"] == "missing":
        msg = "campo obrigatório ausente"
    raise CatalogError(file, msg, product=product, field=_field_path(loc) or None)


def read_vocabulary(directory: Path = CATALOG_DIR) -> Vocabulary:
    path = directory / VOCABULARY_FILE
    if not path.exists():
        raise CatalogError(VOCABULARY_FILE, "arquivo não encontrado")
    raw = _load_yaml(path)
    try:
        vocabulary = Vocabulary.model_validate(raw)
    except ValidationError as exc:
        _raise_validation(VOCABULARY_FILE, raw, exc)
    seen: set[str] = set()
    for i, proc in enumerate(vocabulary.procedures):
        if proc.id in seen:
            raise CatalogError(VOCABULARY_FILE, f"procedimento repetido: {proc.id}", field=f"procedures[{i}].id")
        seen.add(proc.id)
    for i, term in enumerate(vocabulary.lay_terms):
        for ref in term.procedures:
            if ref not in seen:
                raise CatalogError(
                    VOCABULARY_FILE, f"procedimento inexistente: {ref}", field=f"lay_terms[{i}].procedures"
                )
    return vocabulary


def _check_product(file: str, product: Product, vocabulary_ids: set[str]) -> None:
    def fail(field: str, message: str) -> None:
        raise CatalogError(file, message, product=product.slug, field=field)

    for ci, cat in enumerate(product.coverage.categories):
        for pi, item in enumerate(cat.procedures):
            if item.procedure not in vocabulary_ids:
                fail(f"coverage.categories[{ci}].procedures[{pi}].procedure",
                     f"procedimento '{item.procedure}' não existe no vocabulário")
    items = product.waiting_periods.items
    if not items:
        fail("waiting_periods.items", "a lista de carências está vazia")
    if sum(1 for item in items if item.applies_to.all) > 1:
        fail("waiting_periods.items", "mais de um item com 'all: true'")
    for wi, item in enumerate(items):
        for ref in item.applies_to.procedures:
            if ref not in vocabulary_ids:
                fail(f"waiting_periods.items[{wi}].applies_to.procedures",
                     f"procedimento '{ref}' não existe no vocabulário")
    if product.dependants is not None and not product.enrolment.dependants:
        fail("dependants", "o plano não admite dependentes (enrolment.dependants: false), "
                           "mas lista quem pode ser dependente")
    for ei, exclusion in enumerate(product.exclusions):
        for ref in exclusion.procedures:
            if ref not in vocabulary_ids:
                fail(f"exclusions[{ei}].procedures", f"procedimento '{ref}' não existe no vocabulário")
    if product.urgency is not None:
        for ui, situation in enumerate(product.urgency.procedures):
            if situation.text not in product.urgency.what_counts:
                fail(f"urgency.procedures[{ui}].text", "a situação não está em urgency.what_counts")
            for ref in situation.procedures:
                if ref not in vocabulary_ids:
                    fail(f"urgency.procedures[{ui}].procedures", f"procedimento '{ref}' não existe no vocabulário")
    ids = [e.id for e in product.waiting_periods.exemptions]
    if len(ids) != len(set(ids)):
        fail("waiting_periods.exemptions", "identificador de isenção repetido")


def read_catalog(directory: Path = CATALOG_DIR) -> Catalog:
    """Read and validate every catalog file in *directory*; all or nothing."""
    vocabulary = read_vocabulary(directory)
    vocabulary_ids = {p.id for p in vocabulary.procedures}
    files: list[tuple[str, CatalogFile]] = []
    slugs: dict[str, str] = {}
    operators: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == VOCABULARY_FILE:
            continue
        raw = _load_yaml(path)
        try:
            content = CatalogFile.model_validate(raw)
        except ValidationError as exc:
            _raise_validation(path.name, raw, exc)
        if content.operator.slug in operators:
            raise CatalogError(path.name, f"operadora repetida (já em {operators[content.operator.slug]})",
                               field="operator.slug")
        operators[content.operator.slug] = path.name
        for product in content.products:
            if product.slug in slugs:
                raise CatalogError(path.name, f"produto repetido (já em {slugs[product.slug]})",
                                   product=product.slug, field="slug")
            slugs[product.slug] = path.name
            _check_product(path.name, product, vocabulary_ids)
        files.append((path.name, content))
    missing = [s for s in PRODUCT_SLUGS if s not in slugs]
    if missing:
        raise CatalogError(directory.name, f"produtos ausentes do catálogo: {', '.join(missing)}")
    return Catalog(vocabulary=vocabulary, files=tuple(files))


if __name__ == "__main__":  # python -m webapp.plans.catalog [dir]: validate and summarise
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else CATALOG_DIR
    try:
        catalog = read_catalog(target)
    except CatalogError as error:
        print(f"ERRO: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"vocabulário: {len(catalog.vocabulary.procedures)} procedimentos, "
          f"{len(catalog.vocabulary.lay_terms)} termos leigos")
    for name, content in catalog.files:
        for product in content.products:
            n = sum(len(c.procedures) for c in product.coverage.categories)
            print(f"{name}: {product.slug}: {n} procedimentos, {len(product.waiting_periods.items)} carências, "
                  f"{len(product.exclusions)} exclusões")
