"""Storage: tables, migrations, repository, unit of work and the hash-chained audit log."""
