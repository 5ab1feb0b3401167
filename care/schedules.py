"""The care area's periodic jobs: the day-before reminder and the officers' digest.

Collected with every app's ``SCHEDULES`` and installed after ``migrate`` by
``lib.schedules.install_schedules``.
"""

SCHEDULES = {
    "Care visit reminders": {
        "task": "care.visit_reminders",
        "crontab": {"minute": "0", "hour": "16", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        "description": "每天 16:00 提醒负责干事明天到期的慰问探望（职工本人要求提醒的也提醒本人）。"
        " Daily reminder to the assigned officer of each visit due tomorrow (and to the worker who asked).",
    },
    "Care digest for officers": {
        "task": "care.officer_digests",
        "crontab": {"minute": "35", "hour": "8", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        "description": "每天 8:35 给工会干事发送已逾期、三天内到期或未分派的慰问探望；没有则不发。"
        " Daily digest of overdue, soon due and unassigned care visits; nothing when there is nothing.",
    },
}
