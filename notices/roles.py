"""What each role may do with grant notices (granted after every migrate)."""

ROLE_PERMISSIONS = {
    "Officer": [
        "notices.view_grantnotice",
        "notices.view_objection",
        "notices.view_noticerule",
        "notices.add_noticerule",
        "notices.change_noticerule",
    ],
    "Welfare officer": [],
    # The chair decides on objections, with a recorded reason.
    "Chair": ["notices.decide_objection"],
}
