"""The outbox's periodic job: the sweep.

Collected with every app's ``SCHEDULES`` and installed after ``migrate`` by
``lib.schedules.install_schedules`` (see there).
"""

# name: task, when ("every_seconds" or "crontab" fields), description
SCHEDULES = {
    "Outbox sweep": {
        "task": "notifications.sweep",
        "every_seconds": 60,
        "description": "补发积压邮件（消息队列中断、进程被杀时留下的）并按退避重试发送失败的邮件。"
        " Sends e-mails left pending and retries failed sends.",
    },
}
