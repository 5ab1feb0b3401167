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
