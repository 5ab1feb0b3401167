import datetime
import json
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy

from lib.jsonvalues import from_json, to_json


def test_values_come_back_with_their_types_after_json():
    when = datetime.datetime(2027, 3, 8, 9, 0, tzinfo=datetime.UTC)
    value = {"at": when, "day": when.date(), "amount": Decimal("12.50"), "items": [1, "二"], "plain": {"a": 1}}
    assert from_json(json.loads(json.dumps(to_json(value)))) == value
    with translation.override("zh-hans"):  # a lazy label is kept in the recipient's language
        assert to_json({"label": gettext_lazy("e-mail")}) == {"label": "电子邮件"}
