"""What each role may do with the schedules (django-celery-beat) in the admin.

Officers see when the reminders run; the chair, who answers for the whole
installation, may change their timing.
"""

OFFICER_VIEW = [
    "django_celery_beat.view_periodictask",
    "django_celery_beat.view_crontabschedule",
    "django_celery_beat.view_intervalschedule",
]

ROLE_PERMISSIONS = {
    "Officer": OFFICER_VIEW,
    "Welfare officer": [],
    "Chair": [
        # The outbox of the whole installation (no bodies shown) and the day's ceiling of texts.
        "notifications.view_notification",
        "notifications.view_smsday",
        "notifications.change_smsday",
        "django_celery_beat.change_periodictask",
        "django_celery_beat.add_crontabschedule",
        "django_celery_beat.change_crontabschedule",
        "django_celery_beat.add_intervalschedule",
        "django_celery_beat.change_intervalschedule",
    ],
}
