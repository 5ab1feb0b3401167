import pytest
from django.core.files.base import ContentFile

from lib.storage import PrivateStorage


def test_it_keeps_files_under_the_private_root_read_at_use_time(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "first"
    storage = PrivateStorage()
    name = storage.save("imports/a.csv", ContentFile(b"x"))
    assert (tmp_path / "first" / name).read_bytes() == b"x"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "second"
    assert storage.path("b.csv") == str(tmp_path / "second" / "b.csv")


def test_its_files_have_no_address():
    with pytest.raises(ValueError):
        PrivateStorage().url("imports/a.csv")


def test_migrations_find_it_where_it_lives():
    assert PrivateStorage().deconstruct()[0] == "lib.storage.PrivateStorage"
