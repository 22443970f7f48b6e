"""The sockets this process serves: sid -> {"code", "role", "player", "team", "name"}.

Written by the connection handlers (``quiz.live.handlers``), read by the host's actions that
reach one phone's sockets (``quiz.live.host_actions``), so neither imports the other.
"""
clients: dict[str, dict] = {}
