"""What each role may do with the schedules (django-celery-beat) in the admin.

The schedules are the installation's machinery, not casework: officers do not
see them (the reminders they care about are described on each area's pages);
the chair, who answers for the whole installation, sees them and may change
their timing. Clocked and solar schedules are for superusers alone.
"""

BEAT_VIEW = [
    "django_celery_beat.view_periodictask",
    "django_celery_beat.view_crontabschedule",
    "django_celery_beat.view_intervalschedule",
]

ROLE_PERMISSIONS = {
    "Officer": [],
    "Welfare officer": [],
    "Chair": [
        *BEAT_VIEW,
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
