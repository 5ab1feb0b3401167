"""The members app's periodic jobs: birthday greetings and dues reminders.

Collected with every app's ``SCHEDULES`` and installed after ``migrate`` by
``lib.schedules.install_schedules`` (see there).
"""

# name: task, when ("every_seconds" or "crontab" fields), description
SCHEDULES = {
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
}
