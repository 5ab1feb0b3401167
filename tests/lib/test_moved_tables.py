import pytest
from django.apps import apps as installed_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, migrations, models
from django.db.migrations.state import ProjectState

from lib.moved_tables import adopt_tables

pytestmark = pytest.mark.django_db(transaction=True)  # schema changes


def thing() -> migrations.CreateModel:
    return migrations.CreateModel(
        "Thing", [("id", models.AutoField(primary_key=True)), ("name", models.CharField(max_length=10))]
    )


@pytest.fixture
def states():
    base = ProjectState.from_apps(installed_apps)
    old, new = base.clone(), base.clone()
    thing().state_forwards("oldapp", old)
    thing().state_forwards("newapp", new)
    yield old, new
    with connection.cursor() as cursor:
        for table in ("oldapp_thing", "newapp_thing"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def test_it_renames_the_old_table_so_the_rows_and_the_content_type_move_along(states):
    old, new = states
    with connection.schema_editor() as editor:
        editor.create_model(old.apps.get_model("oldapp", "Thing"))
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO oldapp_thing (name) VALUES ('kept')")
    content_type = ContentType.objects.create(app_label="oldapp", model="thing")

    with connection.schema_editor() as editor:
        adopt_tables("newapp", {"thing": "oldapp_thing"}, from_app="oldapp").code(new.apps, editor)

    assert "oldapp_thing" not in connection.introspection.table_names()
    assert list(new.apps.get_model("newapp", "Thing").objects.values_list("name", flat=True)) == ["kept"]
    content_type.refresh_from_db()
    assert content_type.app_label == "newapp"


def test_on_a_fresh_database_it_creates_the_table(states):
    _, new = states
    with connection.schema_editor() as editor:
        adopt_tables("newapp", {"thing": "oldapp_thing"}, from_app="oldapp").code(new.apps, editor)
    assert "newapp_thing" in connection.introspection.table_names()
    assert not ContentType.objects.filter(app_label__in=["oldapp", "newapp"]).exists()
