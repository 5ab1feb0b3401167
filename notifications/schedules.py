"""Every periodic job of the portal, declared in one place.

``install_schedules`` puts them into django-celery-beat's tables (after each
``migrate``), where officers can see them and change their timing in the
admin. A job that exists already is left as the officers set it.

No job is scheduled with a Celery ETA: what is due later is found in the
database by a job that runs often enough (Redis would hand an ETA message
waiting longer than its visibility timeout to a second worker).
"""

from django.db import transaction

TIMEZONE = "Asia/Shanghai"

# name: task, when ("every_seconds" or "crontab" fields), description
SCHEDULES = {
    "Outbox sweep": {
        "task": "notifications.sweep",
        "every_seconds": 60,
        "description": "补发积压邮件（消息队列中断、进程被杀时留下的）并按退避重试发送失败的邮件。"
        " Sends e-mails left pending and retries failed sends.",
    },
    "Activity reminders": {
        "task": "notifications.activity_reminders",
        "every_seconds": 300,
        "description": "每 5 分钟提醒已确认的报名会员：活动开始前按各活动设定的提前时间（默认 24 小时）发送一次；"
        "活动改期后按新时间重新提醒。"
        " Reminds confirmed participants once, at each activity's lead time before its (current) start.",
    },
    "Activity lotteries": {
        "task": "activities.lottery_draw_due",
        "every_seconds": 300,
        "description": "每 5 分钟为报名已截止的抽签活动抽签并通知结果（每个活动只抽一次）。"
        " Draws the places of every lottery whose sign-up has closed (once per activity).",
    },
    "Activity no-shows": {
        "task": "activities.no_shows_record_due",
        "every_seconds": 3600,
        "description": "每小时把已结束活动中未签到的已确认报名记为缺席。"
        " Hourly: marks confirmed participants of finished activities who were not checked in as no-shows.",
    },
    "Birthday greetings": {
        "task": "notifications.birthday_greetings",
        "crontab": {"minute": "0", "hour": "8", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        "description": "每天 8:00 给当天生日的在册会员发送生日祝福（会员可退订）。"
        " Daily birthday greetings to active members (optional mail).",
    },
    "Dues reminders": {
        "task": "notifications.dues_reminders",
        "crontab": {"minute": "0", "hour": "9", "day_of_week": "*", "day_of_month": "5", "month_of_year": "*"},
        "description": "每月 5 日 9:00 提醒上月没有会费记录的在册会员（会员可退订）。"
        " Monthly reminder to active members with no dues record for last month (optional mail).",
    },
    "Welfare digest for officers": {
        "task": "notifications.welfare_digest",
        "crontab": {"minute": "30", "hour": "8", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        "description": "每天 8:30 给工会干事发送需处理的帮扶和维权申请（已逾期、未分派、待主席审批）；没有则不发。"
        " Daily digest of overdue, unassigned and waiting-for-chair welfare requests; nothing when there is nothing.",
    },
}


@transaction.atomic
def install_schedules() -> int:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = 0
    for name, spec in SCHEDULES.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        fields = {"task": spec["task"], "description": spec["description"]}
        if "every_seconds" in spec:
            fields["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=spec["every_seconds"], period=IntervalSchedule.SECONDS
            )
        else:
            fields["crontab"], _ = CrontabSchedule.objects.get_or_create(
                **spec["crontab"], timezone=spec.get("timezone", TIMEZONE)
            )
        PeriodicTask.objects.create(name=name, **fields)
        created += 1
    return created
