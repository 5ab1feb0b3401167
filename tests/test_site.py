import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse


@pytest.mark.django_db
def test_the_home_page_speaks_chinese_by_default(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="zh-Hans"' in page
    assert "如何入会" in page


@pytest.mark.django_db
def test_a_visitor_can_switch_to_english(client):
    client.post(reverse("language-set"), {"language": "en", "next": "/"})
    assert "How to join" in client.get("/").content.decode()


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_the_health_check_answers_ok(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == "ok"


@pytest.mark.django_db
def test_the_health_check_reports_a_dead_broker_quickly(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["ms"] < 2000


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "unionportal.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-" + "y" * 20,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "unionportal.settings.production"}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_the_roles_exist_with_their_permissions():
    from django.contrib.auth.models import Group

    officer = Group.objects.get(name="Officer")
    assert officer.permissions.filter(codename="approve_member").exists()
    assert set(Group.objects.values_list("name", flat=True)) >= {"Officer", "Welfare officer", "Chair"}
