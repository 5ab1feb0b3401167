"""What each role may do with feedback (granted after every migrate).

Every officer answers and publishes feedback of their own part of the tree;
welfare officers and the chair inherit this list.
"""

ROLE_PERMISSIONS = {
    "Officer": [
        "feedback.view_feedback",
        "feedback.change_feedback",
        "feedback.answer_feedback",
        "feedback.publish_feedback",
        "feedback.view_feedbackmessage",
        "feedback.view_feedbackevent",
    ],
    "Welfare officer": [],
    "Chair": [],
}
