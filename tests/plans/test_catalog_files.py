"""Reading and validating the catalog files (no database)."""

import pytest

from tests.support.plans import edit_yaml
from webapp.plans.catalog import CatalogError, read_catalog


def test_a_missing_product_is_refused(catalog_copy):
    (catalog_copy / "sintaema-odontoprev.yaml").unlink()
    with pytest.raises(CatalogError, match="sintaema-convencional"):
        read_catalog(catalog_copy)


def test_a_repeated_slug_is_refused(catalog_copy):
    edit_yaml(catalog_copy / "sao-cristovao.yaml", lambda d: d["products"][0].update(slug="cassems-odonto"))
    with pytest.raises(CatalogError, match="produto repetido"):
        read_catalog(catalog_copy)
