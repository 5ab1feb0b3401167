from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from lib.schedules import collect_schedules, install_schedules
from notifications import tasks
from notifications.checks import outbox_timeouts
from tests.markers import requires_redis
from unionportal.celery import Task
from unionportal.celery import app as celery_app


@pytest.fixture
def redis_broker_configured():
    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_transport_options
    conf.broker_url = "redis://127.0.0.1:6379/0"
    conf.broker_transport_options = dict(settings.REDIS_BROKER_TRANSPORT_OPTIONS, visibility_timeout=600)
    yield
    conf.broker_url, conf.broker_transport_options = saved


def test_every_task_is_acknowledged_late_and_guards_its_eta():
    celery_app.loader.import_default_modules()  # every app's tasks.py
    ours = [task for name, task in celery_app.tasks.items() if not name.startswith("celery.")]
    assert tasks.outbox_sweep_task in ours
    assert {spec["task"] for spec in collect_schedules().values()} <= {task.name for task in ours}
    for task in ours:
        assert task.acks_late, task.name
        assert isinstance(task, Task), task.name
    assert celery_app.conf.task_reject_on_worker_lost
    assert celery_app.conf.worker_prefetch_multiplier == 1


def test_a_countdown_redis_would_redeliver_is_refused(redis_broker_configured, db):
    with pytest.raises(ValueError, match="visibility"):
        tasks.outbox_sweep_task.apply_async(countdown=600)
    with pytest.raises(ValueError, match="visibility"):
        tasks.outbox_sweep_task.apply_async(eta=timezone.now() + timedelta(hours=2))
    # shorter waits are fine (this test runs tasks eagerly)
    tasks.outbox_sweep_task.apply_async(countdown=599)


def test_the_visibility_timeout_is_where_celery_and_kombu_read_it():
    assert settings.REDIS_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == settings.CELERY_VISIBILITY_TIMEOUT
    assert settings.CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS["visibility_timeout"] == settings.CELERY_VISIBILITY_TIMEOUT
    assert celery_app.conf.visibility_timeout == settings.CELERY_VISIBILITY_TIMEOUT
    assert settings.CELERY_TASK_TIME_LIMIT < settings.CELERY_VISIBILITY_TIMEOUT


@requires_redis
def test_the_redis_channel_uses_the_configured_visibility_and_timeouts():
    with celery_app.connection_for_write() as connection:
        channel = connection.default_channel
        assert channel.visibility_timeout == settings.CELERY_VISIBILITY_TIMEOUT
        assert channel.socket_timeout == 2
        assert channel.socket_connect_timeout == 1


def test_the_start_up_checks_catch_timeouts_that_do_not_fit(settings):
    assert outbox_timeouts() == []
    settings.CELERY_TASK_TIME_LIMIT = 4000
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    settings.EMAIL_TIMEOUT = 200
    assert [error.id for error in outbox_timeouts()] == ["notifications.E001", "notifications.E002"]


@pytest.fixture
def worker_tasks():
    """The tasks a worker knows: it imports every app's tasks.py at start-up."""
    celery_app.loader.import_default_modules()
    return celery_app.tasks


def test_every_job_is_installed_for_beat_after_migrate(db, worker_tasks):
    installed = {task.name: task for task in PeriodicTask.objects.select_related("interval", "crontab")}
    assert set(collect_schedules()) <= set(installed)
    for name, spec in collect_schedules().items():
        assert installed[name].task == spec["task"]
        assert spec["task"] in worker_tasks
    assert installed["Outbox sweep"].interval.every == 60
    birthday = installed["Birthday greetings"].crontab
    assert (birthday.hour, birthday.minute, str(birthday.timezone)) == ("8", "0", "Asia/Shanghai")
    assert installed["Dues reminders"].crontab.day_of_month == "5"


def test_the_activity_jobs_are_installed_for_beat_at_their_intervals(db, worker_tasks):
    installed = {task.task: task for task in PeriodicTask.objects.select_related("interval")}
    assert installed["notifications.activity_reminders"].interval.every == 300
    assert installed["activities.lottery_draw_due"].interval.every == 300
    assert installed["activities.no_shows_record_due"].interval.every == 3600
    for task in ("notifications.activity_reminders", "activities.lottery_draw_due", "activities.no_shows_record_due"):
        assert installed[task].enabled
        assert installed[task].interval.period == "seconds"
        assert task in worker_tasks


def test_installing_again_keeps_what_an_officer_changed(db):
    PeriodicTask.objects.filter(name="Dues reminders").update(enabled=False, description="暂停")
    PeriodicTask.objects.filter(name="Outbox sweep").delete()
    assert install_schedules() == 1
    dues = PeriodicTask.objects.get(name="Dues reminders")
    assert (dues.enabled, dues.description) == (False, "暂停")


def test_only_the_chair_sees_the_schedules_and_may_change_them(db):
    def perms(group):
        return set(Group.objects.get(name=group).permissions.values_list("codename", flat=True))

    assert not {"view_periodictask", "change_periodictask", "view_crontabschedule"} & perms("Officer")
    assert "view_periodictask" not in perms("Welfare officer")
    assert {"view_periodictask", "change_periodictask", "change_crontabschedule"} <= perms("Chair")


def _periodic_task_form(client, task):
    """The change form's current values, as the browser would post them back."""
    from django.urls import reverse

    url = reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    return url, form, data


def test_the_chair_may_retime_a_job_but_not_change_its_task_or_arguments(db, chair, staff_client):
    from django_celery_beat.models import IntervalSchedule

    install_schedules()
    task = PeriodicTask.objects.get(name="Dues reminders")
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    client = staff_client(chair)
    url, form, data = _periodic_task_form(client, task)
    assert not {"task", "regtask", "args", "kwargs", "queue", "headers"} & set(form.fields)
    data.update(
        crontab="",
        interval=every_hour.pk,
        enabled="",
        task="notifications.sweep",
        regtask="notifications.sweep",
        args='["x"]',
        kwargs='{"day": "2020-01-01"}',
    )
    assert client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert (task.interval, task.crontab, task.enabled) == (every_hour, None, False)
    assert (task.task, task.args, task.kwargs) == ("notifications.dues_reminders", "[]", "{}")


def test_a_superuser_may_change_which_task_a_job_calls(db, staff_client, django_user_model):
    install_schedules()
    task = PeriodicTask.objects.get(name="Dues reminders")
    root = django_user_model.objects.create_superuser(email="root@example.cn", password="x")
    client = staff_client(root)
    url, form, data = _periodic_task_form(client, task)
    assert {"task", "args", "kwargs"} <= set(form.fields)
    data.update(task="notifications.sweep", regtask="", kwargs='{"limit": 10}')
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    task.refresh_from_db()
    assert (task.task, task.kwargs) == ("notifications.sweep", '{"limit": 10}')
