"""The question bank: reading organizers' sheets, the bank itself, export and the template."""
