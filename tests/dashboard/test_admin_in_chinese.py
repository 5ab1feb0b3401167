"""The back office speaks Chinese: every label an officer reads in the admin
(apps, models, fields, columns, filters, actions) has a Chinese translation,
from our catalogues or the library's."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.test import RequestFactory
from django.utils import translation

from members.models import User

CJK = re.compile(r"[\u3400-\u9fff]")
REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _untranslated(texts) -> list[str]:
    # "ID" is what Chinese software calls it too.
    return sorted({str(t) for t in texts if t and str(t) != "ID" and not CJK.search(str(t))})


@pytest.fixture
def superuser_request(db):
    request = RequestFactory().get("/admin/")
    request.user = User(email="root@example.cn", is_staff=True, is_superuser=True, is_active=True)
    return request


@pytest.mark.parametrize("model, model_admin", REGISTRY, ids=[m._meta.label for m, _ in REGISTRY])
def test_every_admin_label_is_in_chinese(model, model_admin, superuser_request):
    with translation.override("zh-hans"):
        opts = model._meta
        texts = [apps.get_app_config(opts.app_label).verbose_name, opts.verbose_name, opts.verbose_name_plural]
        form = model_admin.get_form(superuser_request)
        for _title, fieldset in model_admin.get_fieldsets(superuser_request):
            for name in fieldset["fields"]:
                for one in name if isinstance(name, list | tuple) else [name]:
                    if one in form.base_fields:  # a field of the form (maybe not of the model)
                        texts.append(form.base_fields[one].label or label_for_field(one, model, model_admin))
                    else:
                        texts.append(label_for_field(one, model, model_admin))
        for name in model_admin.get_list_display(superuser_request):
            if name != "__str__":
                texts.append(label_for_field(name, model, model_admin))
        for item in model_admin.get_list_filter(superuser_request):
            field = item[0] if isinstance(item, list | tuple) else item
            if isinstance(field, str):
                texts.append(label_for_field(field.split("__")[0], model, model_admin))
            else:
                texts.append(field.title)
        texts += [description for _func, _name, description in model_admin.get_actions(superuser_request).values()]
        missing = _untranslated(texts)
        assert not missing, f"untranslated: {missing}"
