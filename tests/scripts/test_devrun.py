"""``make run`` on another port sends links that point to that port (issue 16, item 8)."""

import importlib.util
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location("devrun", Path(__file__).parents[2] / "scripts" / "devrun.py")
devrun = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(devrun)


@pytest.mark.parametrize(
    ("given", "site_url"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8080"}, "http://127.0.0.1:8080"),
        ({"HOST": "0.0.0.0", "PORT": "9001"}, "http://0.0.0.0:9001"),
        ({"PORT": "8080", "SITE_URL": ""}, "http://127.0.0.1:8080"),
        ({"PORT": "8080", "SITE_URL": "https://portal.example.cn"}, "https://portal.example.cn"),
    ],
)
def test_the_links_follow_the_port_served_unless_the_site_url_is_set(given, site_url):
    assert devrun.serve_env(given)["SITE_URL"] == site_url


def test_the_make_target_gives_the_demo_seed_the_same_address():
    makefile = (Path(__file__).parents[2] / "Makefile").read_text()
    assert "SITE_URL=$${SITE_URL:-http://$${HOST:-127.0.0.1}:$(PORT)} $(PY) manage.py seed_demo" in makefile
