"""The contest domain: the pure rules engine, the live layer and the web views."""
