"""The only package that imports SQLAlchemy: engine, tables, queries, migrations. Returns core records."""
