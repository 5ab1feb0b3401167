"""What each role may do with workers' activity proposals (granted after every migrate).

Every officer reads the proposals for their part of the tree and decides them;
the chair sets how many co-signers a unit's proposals need.
"""

ROLE_PERMISSIONS = {
    "Officer": [
        "proposals.view_proposal",
        "proposals.change_proposal",
        "proposals.view_proposalsupport",
        "proposals.view_proposalthreshold",
    ],
    "Welfare officer": [],
    "Chair": [
        "proposals.add_proposalthreshold",
        "proposals.change_proposalthreshold",
        "proposals.delete_proposalthreshold",
    ],
}
