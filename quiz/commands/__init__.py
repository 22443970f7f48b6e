"""The command-line edges: ``flask contest|results|backup|db``."""
