"""Digest mail: opting in and out, composing a digest message, and sending the outbox over SMTP."""
