"""Coordination between worker processes: leases on exclusive jobs, and a request pace shared by all."""
