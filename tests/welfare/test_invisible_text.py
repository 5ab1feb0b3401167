from tests.welfare import factories
from welfare.forms import SubmitForm


def test_a_description_of_only_spaces_and_zero_width_characters_is_refused(db):
    form = SubmitForm(data={"description": " \u200b\u200b\u3000\ufeff "}, request_type=factories.request_type())
    assert not form.is_valid()
    assert "description" in form.errors


def test_a_written_description_is_accepted(db):
    form = SubmitForm(data={"description": "家里遇到了困难。"}, request_type=factories.request_type())
    form.is_valid()
    assert "description" not in form.errors
