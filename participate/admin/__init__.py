"""Administration: users and roles, the audit log, and the dashboard that leads to each domain's screens."""
