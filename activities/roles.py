"""What each role may do with activities (granted after every migrate).

Officers run activities of their part of the tree: create and edit them,
publish, cancel, draw lotteries, sign members up, grant exceptions, check in,
export participants. Nobody but a superuser deletes: an activity that
happened is part of the union's record; cancel it instead.
"""

ROLE_PERMISSIONS = {
    "Officer": [
        "activities.view_activity",
        "activities.add_activity",
        "activities.change_activity",
        "activities.cancel_activity",
        "activities.draw_activity",
        "activities.view_registration",
        "activities.add_registration",
        "activities.change_registration",
        "activities.check_in_registration",
        "activities.export_registration",
        "activities.view_registrationevent",
        "activities.view_eligibilityoverride",
        "activities.add_eligibilityoverride",
        "activities.view_lotterydraw",
        "activities.view_rating",
    ],
    "Welfare officer": [],
    "Chair": [],
}
