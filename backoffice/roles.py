"""What each role may do in the back office (granted after every migrate)."""

ROLE_PERMISSIONS = {
    "Officer": [
        "backoffice.view_statistics",
        "backoffice.view_budget",
        "backoffice.view_importjob",
        "backoffice.add_importjob",
    ],
    "Welfare officer": [],
    # The chair sets each unit's yearly welfare budget.
    "Chair": [
        "backoffice.add_budget",
        "backoffice.change_budget",
    ],
}
