"""Reading and validating the catalog files (no database)."""

import shutil

import pytest
import yaml

from webapp.plans.catalog import CATALOG_DIR, CatalogError, read_catalog


@pytest.fixture
def catalog_copy(tmp_path):
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, target)
    return target


def edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_missing_product_is_refused(catalog_copy):
    (catalog_copy / "sintaema-odontoprev.yaml").unlink()
    with pytest.raises(CatalogError, match="sintaema-convencional"):
        read_catalog(catalog_copy)


def test_a_repeated_slug_is_refused(catalog_copy):
    edit(catalog_copy / "sao-cristovao.yaml", lambda d: d["products"][0].update(slug="cassems-odonto"))
    with pytest.raises(CatalogError, match="produto repetido"):
        read_catalog(catalog_copy)
