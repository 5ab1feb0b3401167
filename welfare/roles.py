"""What each role may do with welfare requests (granted after every migrate).

Who sees which request is decided by ``welfare.selectors.requests_visible_to``;
these permissions are the switches it reads.
"""

ROLE_PERMISSIONS = {
    "Officer": [
        "welfare.view_welfarerequest",
        "welfare.add_welfarerequest",  # file a request for a worker who is not online
        "welfare.change_welfarerequest",  # triage, assign, move through the states
        "welfare.add_requestmessage",  # write to the worker, and internal notes
        "welfare.view_requesttype",
        "welfare.change_requesttype",  # service levels and guidance
        "welfare.view_benefitscheme",
        "welfare.add_benefitscheme",
        "welfare.change_benefitscheme",
        "welfare.view_budget",
        # The case page's canned replies, kept by the officers themselves.
        "welfare.view_cannedreply",
        "welfare.add_cannedreply",
        "welfare.change_cannedreply",
    ],
    "Welfare officer": [
        "welfare.view_confidential_request",
    ],
    "Chair": [
        "welfare.approve_over_threshold",
        # The chair sets each unit's yearly welfare budget.
        "welfare.add_budget",
        "welfare.change_budget",
    ],
}
