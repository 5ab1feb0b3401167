"""Which of the worker's five destinations (the tab bar) the page belongs to."""

# URL namespaces (or names outside any) by tab; anything else marks no tab.
SECTIONS = {
    "home": {"home", "notices", "learning"},
    "activities": {"activities"},
    "welfare": {"welfare", "care"},
    "feedback": {"feedback", "proposals", "surveys"},
    "me": {"members", "mail", "account", "mfa"},
}
_BY_NAME = {name: section for section, names in SECTIONS.items() for name in names}


def nav_section(request) -> dict:
    """``nav_section``: "home", "activities", "welfare", "feedback", "me" or "".

    Error pages are rendered where nothing was resolved (``resolver_match`` is None): no tab.
    """
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"nav_section": ""}
    key = match.namespaces[0] if match.namespaces else (match.url_name or "")
    if key.startswith("account_") or key.startswith("mfa_"):
        key = key.split("_", 1)[0]
    return {"nav_section": _BY_NAME.get(key, "")}
