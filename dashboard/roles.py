"""What each role may see of the dashboard (granted after every migrate)."""

ROLE_PERMISSIONS = {
    "Officer": ["dashboard.view_statistics"],
}
