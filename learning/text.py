"""Articles are rich text written by officers: kept sanitised, with a reading time.

The sanitiser is ``nh3`` (the Rust ``ammonia`` library): an allow-list of tags
and attributes; scripts, styles, event handlers and ``javascript:`` links go.
"""

import math
import re

import nh3

TAGS = {"p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "ul", "ol", "li", "blockquote", "a", "table"}
TAGS |= {"thead", "tbody", "tr", "th", "td", "hr"}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
# Characters a worker reads per minute: Chinese text (a slow, careful reading of rules).
CHARACTERS_PER_MINUTE = 300
_TAG = re.compile(r"<[^>]*>")


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def reading_minutes(html: str) -> int:
    """Minutes to read an article, at least one."""
    text = re.sub(r"\s+", "", _TAG.sub("", html or ""))
    return max(1, math.ceil(len(text) / CHARACTERS_PER_MINUTE))
