"""What each role may do with learning (granted after every migrate).

Officers publish the library and courses of their part of the tree, follow who
started and finished, and keep the discussion: review reported posts and mark
the union's answers. Nobody but a superuser deletes a post: it is removed.
"""

ROLE_PERMISSIONS = {
    "Officer": [
        *["learning.view_material", "learning.add_material", "learning.change_material"],
        *["learning.view_course", "learning.add_course", "learning.change_course"],
        *["learning.view_coursestep", "learning.add_coursestep", "learning.change_coursestep"],
        *["learning.delete_coursestep", "learning.view_question", "learning.add_question"],
        *["learning.change_question", "learning.delete_question", "learning.view_choice", "learning.add_choice"],
        *["learning.change_choice", "learning.delete_choice", "learning.view_enrolment"],
        *["learning.view_post", "learning.moderate_post"],
    ],
    "Welfare officer": [],
    "Chair": [],
}
