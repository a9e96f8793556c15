"""People's networks: personal and shared networks (rows of ``networks`` with an owner), their members,
invitation links, each person's blocks, and which networks a reader may see."""
