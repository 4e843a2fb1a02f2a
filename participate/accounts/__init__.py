"""People and their accounts: registration, login, confirmation, password reset, profile, global roles."""
