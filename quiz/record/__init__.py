"""The record: database models, the command log, schema and backups, results."""
