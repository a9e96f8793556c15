"""People who sign in: accounts, passwords, sessions, invitations and who may do what."""
