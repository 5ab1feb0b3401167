from django.utils import translation

from lib.columns import yes_no, yes_no_column
from members.models import Member


def test_a_yes_no_cell_says_it_in_the_readers_language():
    with translation.override("zh-hans"):
        assert yes_no(True) == '<span class="yes-no yes-no-yes">是</span>'
        assert yes_no(False) == '<span class="yes-no yes-no-no">否</span>'
    with translation.override("en"):
        assert ">yes<" in yes_no(True)
    assert yes_no(None) == "—"


def test_a_boolean_column_is_headed_and_sorted_as_its_field():
    column = yes_no_column(Member, "retired")
    assert column.short_description == Member._meta.get_field("retired").verbose_name
    assert column.admin_order_field == "retired"
    assert column(Member(retired=True)) == yes_no(True)
