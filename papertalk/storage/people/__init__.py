"""People who sign in: users, sessions, invitations, sign-in throttle counters (SQL)."""
