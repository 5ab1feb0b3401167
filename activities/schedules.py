"""The activities area's periodic jobs: reminders, lottery draws, no-shows.

Collected with every app's ``SCHEDULES`` and installed after ``migrate`` by
``lib.schedules.install_schedules`` (see there).
"""

# name: task, when ("every_seconds" or "crontab" fields), description
SCHEDULES = {
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
}
