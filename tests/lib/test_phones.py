import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lib.phones import phone_display, phone_masked, phone_normalise, phone_or_blank


@pytest.mark.parametrize(
    "typed", ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "+8613812345678", "008613812345678"]
)
def test_a_mainland_number_is_stored_in_e164_however_it_is_typed(typed):
    assert phone_normalise(typed) == "+8613812345678"


def test_a_number_abroad_needs_its_country_code_and_is_kept_as_given():
    assert phone_normalise("+852 6123 4567") == "+85261234567"
    assert phone_normalise("+44 7911 123456") == "+447911123456"


@pytest.mark.parametrize("typed", ["1381234567", "12345", "abc", "1" * 40, "", "+86 138"])
def test_a_bad_number_gets_a_clear_message_in_chinese(typed):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        phone_normalise(typed)
    assert "手机号" in caught.value.messages[0]


def test_shown_nationally_at_home_internationally_abroad_and_masked_in_lists():
    assert phone_display("+8613812345678") == "138 1234 5678"
    assert phone_display("+85261234567") == "+852 6123 4567"
    assert phone_masked("+8613812345678") == "+86138****5678"
    assert phone_or_blank("not a number") == ""
