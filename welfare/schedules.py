"""The welfare area's periodic job: the officers' daily digest.

Collected with every app's ``SCHEDULES`` and installed after ``migrate`` by
``lib.schedules.install_schedules`` (see there).
"""

# name: task, when ("every_seconds" or "crontab" fields), description
SCHEDULES = {
    "Welfare digest for officers": {
        "task": "notifications.welfare_digest",
        "crontab": {"minute": "30", "hour": "8", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        "description": "每天 8:30 给工会干事发送需处理的帮扶和维权申请（已逾期、未分派、待主席审批）；没有则不发。"
        " Daily digest of overdue, unassigned and waiting-for-chair welfare requests; nothing when there is nothing.",
    },
}
