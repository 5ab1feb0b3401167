"""Proof for issue 16 item 4, the class: no template of ours shows English text that is not
inside {% translate %} or {% blocktranslate %} (every page and mail, not only those a test opens).

Each template is cut into Django's own tokens; the text between tags, outside a blocktranslate,
outside <script> and <style>, and the spoken attributes (alt, title, aria-label, placeholder)
must hold no English word but the names of tests.pagetext.PROPER_WORDS."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.base import Lexer, TokenType, Variable
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils import translation

from tests.pagetext import english_words, visible_text

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted(
    p
    for p in ROOT.glob("**/templates/**/*")
    if p.is_file() and p.suffix in (".html", ".txt") and ".venv" not in p.parts and "var" not in p.parts
)
# Blocks of the admin's templates that hold class names and head elements, never text.
UNSEEN_BLOCKS = {"bodyclass", "extrastyle", "extrahead", "extra_head"}


def _shown_text(source: str) -> str:
    """The text a reader meets in a template: Django's tokens, with every tag, variable and
    translation block put aside, read as a page is read (tests.pagetext.visible_text)."""
    kept, in_translation, blocks = [], 0, []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            bits = token.contents.split() or [""]
            if bits[0] in ("blocktranslate", "blocktrans", "comment"):
                in_translation += 1
            elif bits[0] in ("endblocktranslate", "endblocktrans", "endcomment"):
                in_translation -= 1
            elif bits[0] == "block":
                blocks.append(bits[1] if len(bits) > 1 else "")
            elif bits[0] == "endblock" and blocks:
                blocks.pop()
        unseen = in_translation or any(name in UNSEEN_BLOCKS for name in blocks)
        if token.token_type == TokenType.TEXT and not unseen:
            kept.append(token.contents)
        else:
            kept.append(" \u2022 ")  # a value is shown here, never an English word of ours
    return visible_text("".join(kept))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_shows_untranslated_english(path):
    assert english_words(_shown_text(path.read_text())) == []


def test_the_check_sees_english_outside_a_translation():
    source = (
        '{% load i18n %}<p>Sign up</p><p>{% translate "Log in" %}</p><img alt="Logo">'
        "{% block bodyclass %}page{% endblock %}{% blocktranslate %}Hi{% endblocktranslate %}"
    )
    assert english_words(_shown_text(source)) == ["Logo", "Sign", "up"]


def _literal(expression) -> str | None:
    if expression is None:
        return None
    value = expression.var
    return str(value.literal) if isinstance(value, Variable) else str(value)


def _messages(path: Path):
    """(context, message) of every {% translate %} and {% blocktranslate %} in a template."""
    template = engines["django"].engine.from_string(path.read_text())
    for node in template.nodelist.get_nodes_by_type(TranslateNode):
        literal = node.filter_expression.var
        if isinstance(literal, Variable) and literal.literal is not None:
            yield _literal(node.message_context), str(literal.literal)
    for node in template.nodelist.get_nodes_by_type(BlockTranslateNode):
        yield _literal(node.message_context), node.render_token_list(node.singular)[0]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_of_a_template_has_a_chinese_translation(path):
    untranslated = []
    with translation.override("zh-hans"):
        for context, message in _messages(path):
            said = translation.pgettext(context, message) if context else translation.gettext(message)
            if said == message and english_words(message):
                untranslated.append((context, message))
    assert untranslated == []
