"""Chinese is the default language: every string must be translated, and the
committed .mo files must match their .po files (so no gettext is needed)."""

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PO_FILES = sorted(p for p in ROOT.glob("**/locale/*/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def test_there_are_chinese_catalogues_for_the_project_and_each_app():
    owners = {p.relative_to(ROOT).parts[0] for p in PO_FILES}
    assert {"locale", "members", "notifications"} <= owners


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated(po_path):
    po = polib.pofile(str(po_path))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == []


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_matches_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    with mo_path.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete or not entry.translated():
            continue
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            got = compiled._catalog.get((msgid, 0))
            want = entry.msgstr_plural[0]
        else:
            got = compiled._catalog.get(msgid)
            want = entry.msgstr
        if got != want:
            stale.append(entry.msgid)
    assert stale == [], f"{mo_path} is older than its .po: run `make messages`"


def test_the_portal_speaks_with_one_voice_ni_never_nin():
    """Issue 16 item 4: one form of address. The portal says 你 throughout, never 您."""
    catalogues = [
        p for p in Path(settings.BASE_DIR).glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts
    ]
    assert catalogues
    with_nin = [f"{p}:{n}" for p in catalogues for n, line in enumerate(p.read_text().splitlines(), 1) if "您" in line]
    assert with_nin == []


def _precedence() -> list[Path]:
    """Our catalogues in the order Django reads them: the project's first, then the apps in
    INSTALLED_APPS order (the first one that translates a message wins)."""
    from django.apps import apps

    ours = [ROOT / "locale"] + [
        Path(config.path) / "locale"
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT) and ".venv" not in Path(config.path).parts
    ]
    return [p / "zh_Hans/LC_MESSAGES/django.po" for p in dict.fromkeys(ours) if (p / "zh_Hans").exists()]


def test_a_word_without_context_means_one_thing_in_every_catalogue():
    """Issue 16 item 3: gettext keeps one translation per message, so an English word two
    apps translate two ways is shown with one app's meaning in the other (the welfare case's
    "description" read 活动介绍, the activities' word). Where the Chinese must differ, the
    message takes a context (pgettext); otherwise the catalogues agree."""
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for po_path in _precedence():
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete:
                continue
            text = entry.msgstr or entry.msgstr_plural.get(0, "")
            seen.setdefault((entry.msgctxt or "", entry.msgid), {})[str(po_path.relative_to(ROOT))] = text
    two_ways = {key: found for key, found in seen.items() if len(set(found.values())) > 1}
    assert two_ways == {}


def test_the_welfare_case_description_is_not_the_activity_description():
    from django.utils import translation

    from activities.models import Activity
    from proposals.models import Proposal
    from welfare.models import WelfareRequest

    with translation.override("zh-hans"):
        labels = {
            str(model._meta.get_field("description").verbose_name) for model in (Activity, WelfareRequest, Proposal)
        }
    assert labels == {"活动介绍", "情况说明", "详细说明"}
