"""What each role may do with care cases (granted after every migrate).

Who sees which case is ``care.selectors.cases_visible_to``; these are the switches it reads.
"""

ROLE_PERMISSIONS = {
    "Officer": [
        "care.view_carecase",
        "care.add_carecase",
        "care.change_carecase",
    ],
    "Welfare officer": [
        "care.view_confidential_case",
    ],
    "Chair": [],
}
