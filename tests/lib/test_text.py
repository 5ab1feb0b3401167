from lib.text import has_visible_text


def test_spaces_and_zero_width_characters_are_no_visible_text():
    assert not has_visible_text(" \u200b\u200c\u200d\ufeff\u3000\n\t")


def test_chinese_and_latin_text_is_visible():
    assert has_visible_text("\u200b工资 ")
    assert has_visible_text("a")
