"""What each role may do with surveys (granted after every migrate).

Every officer asks the members of their part of the tree, reads the results
and turns a popular choice into an activity draft.
"""

ROLE_PERMISSIONS = {
    "Officer": [
        "surveys.view_survey",
        "surveys.add_survey",
        "surveys.change_survey",
        "surveys.view_question",
        "surveys.add_question",
        "surveys.change_question",
        "surveys.delete_question",
        "surveys.view_choice",
        "surveys.add_choice",
        "surveys.change_choice",
        "surveys.delete_choice",
    ],
    "Welfare officer": [],
    "Chair": [],
}
