"""Plumbing both packages share: extensions, config, sign-in, language, off-loop work."""
