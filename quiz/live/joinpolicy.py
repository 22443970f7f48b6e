"""Who may join which team of a contest: the per-contest join policy and the team secrets.

The contest file's ``"join"`` (docs/contest-file.md):

- ``"team_links"`` (the default for new contests): each team has a secret, carried in its own
  join link and QR code (the desk cards, ``/contests/CODE/cards``). A phone holding the secret
  joins that team at once; a phone that only has the public code may ask for any team, and waits
  until the host approves (or refuses) it in the console.
- ``"host_approval"``: every join waits for the host's approval (no team links).
- ``"open"``: any phone joins any team (the old behaviour, and contests stored before the policy
  existed).

A wrong secret is refused (``bad_team_secret``), never turned into a request. A team's secret is
derived from the contest's host key (HMAC-SHA256, 128 bits): nothing more to store, the same on
every process, and gone with the contest; whoever holds the host key runs the contest anyway.
Plain Python: no Flask, no database.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

POLICIES = ("team_links", "host_approval", "open")
DEFAULT_POLICY = "team_links"   # new contests
STORED_DEFAULT = "open"         # contests created before the policy existed
JOIN, ASK = "join", "ask"


class BadSecret(ValueError):
    """The secret does not belong to that team."""


def policy_of(setup: dict | None) -> str:
    value = (setup or {}).get("join")
    return value if value in POLICIES else STORED_DEFAULT


def team_secret(host_key: str, team_id: int) -> str:
    mac = hmac.new(host_key.encode("utf-8"), f"team-join:{team_id}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:16]).rstrip(b"=").decode("ascii")


def decide(policy: str, host_key: str, team_id: int, secret) -> str:
    """JOIN (come in now) or ASK (wait for the host); raises BadSecret for a wrong secret."""
    if policy == "open":
        return JOIN
    if policy == "host_approval":
        return ASK
    if secret is None or secret == "":
        return ASK
    if not isinstance(secret, str) or not hmac.compare_digest(
            secret.encode("utf-8", "replace"), team_secret(host_key, team_id).encode()):
        raise BadSecret(team_id)
    return JOIN


def uses_links(policy: str) -> bool:
    """Whether the teams' links and QR codes carry their secret."""
    return policy == "team_links"
