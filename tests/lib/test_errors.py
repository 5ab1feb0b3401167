from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from lib.errors import error_text


def test_it_gives_the_message_of_a_validation_error():
    assert error_text(ValidationError("The activity is full.")) == "The activity is full."


def test_it_joins_every_message_of_a_list_of_errors():
    exc = ValidationError(["Too late to cancel.", "Ask the organiser."])

    assert error_text(exc) == "Too late to cancel. Ask the organiser."


def test_it_joins_the_messages_of_every_field():
    exc = ValidationError({"amount": ["Above the cap."], "__all__": ["Choose a scheme."]})

    assert error_text(exc) == "Above the cap. Choose a scheme."


def test_it_fills_in_the_parameters_of_a_message():
    exc = ValidationError("At most %(n)d places.", params={"n": 3})

    assert error_text(exc) == "At most 3 places."


def test_it_gives_the_text_of_a_refusal():
    assert error_text(PermissionDenied("You may not decide this request.")) == "You may not decide this request."


def test_it_gives_the_text_of_any_other_error():
    assert error_text(ValueError("No such state.")) == "No such state."


def test_it_reads_in_the_language_of_the_request():
    with translation.override("zh-hans"):
        text = error_text(ValidationError(_("This field is required.")))

    assert text == "这个字段是必填项。"
