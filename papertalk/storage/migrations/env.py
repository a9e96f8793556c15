"""Alembic environment: runs migrations on the connection papertalk hands over (see storage.schema)."""

from alembic import context

from papertalk.storage.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
