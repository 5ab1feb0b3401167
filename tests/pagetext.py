"""What a person reads on a page: its text without tags, scripts and styles, plus the words
the page says out loud (alt, title, aria-label, placeholder, a button's value)."""

import re
from html.parser import HTMLParser

# Words that are names, not English: what stays the same in a Chinese text.
PROPER_WORDS = {
    "English",  # the language switch names each language in itself
    "QR",  # 二维码 is said, but "QR" is on the code scanners workers hold
    "PDF",  # file formats, as the upload hints name them
    "JPEG",
    "PNG",
    "WebP",
    "HEIC",
    "MB",
    "CSV",
    "JSON",
    "Excel",
    "TD",  # 回复TD退订: the reply carriers require
    "ID",
    "JavaScript",  # the one word allauth's "needs scripts" note cannot do without
    "IP",
}
# Addresses, links and codes are content: an e-mail address, a URL, a file name,
CONTENT = re.compile(
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+|https?://\S+|\b[\w-]+\.(pdf|png|jpe?g|csv|xlsx|json|ics|svg|txt)\b|"
    # and a code or reference: a run of letters and digits with a digit in it (4B00A4FF, GH2026…).
    r"[A-Za-z0-9-]*\d[A-Za-z0-9-]*",
    re.IGNORECASE,
)
WORD = re.compile(r"[A-Za-z]{2,}")
SPOKEN_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        attrs = dict(attrs)
        for name in SPOKEN_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    return " ".join(" ".join(reader.parts).split())


def english_words(text: str, *, allowed: set[str] = frozenset()) -> list[str]:
    """The English words a Chinese reader would stumble on (names and content left out)."""
    text = CONTENT.sub(" ", text)
    return sorted({w for w in WORD.findall(text) if w not in PROPER_WORDS and w not in allowed})
