"""The live layer: load a contest's state, apply commands, persist them, publish snapshots."""
