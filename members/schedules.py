"""The members app's periodic jobs: birthday greetings, dues reminders and automatic lapse.

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
    "Automatic lapse": {
        "task": "members.lapse_run",
        "crontab": {"minute": "30", "hour": "9", "day_of_week": "*", "day_of_month": "10", "month_of_year": "*"},
        "description": "每月 10 日 9:30：在开启自动失效的基层工会里，连续欠缴会费将满设定月数的会员先收到提醒，"
        "提醒后仍未缴纳的会员会籍自动失效（每位会员每月最多一次）。"
        " Monthly: in unions that turned automatic lapse on, warn members one month before their unpaid months"
        " reach the union's limit, and lapse those warned who still have not paid (once per member and month).",
    },
}
