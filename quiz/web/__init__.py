"""The web pages (HTTP edges): contest pages, setup, review, results, backups."""
