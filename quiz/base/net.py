"""The addresses phones in the hall can reach: the laptop's LAN address, never localhost."""
import os
import socket


def lan_addresses() -> list[str]:
    """IPv4 addresses of this machine other than loopback, best guess first.

    The UDP ``connect`` only asks the OS which interface it would route through;
    it sends no packet.
    """
    found: list[str] = []
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.254.254.254", 1))
        found.append(probe.getsockname()[0])
    except OSError:
        pass
    finally:
        probe.close()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            addr = info[4][0]
            if addr not in found:
                found.append(addr)
    except OSError:
        pass
    return [a for a in found if not a.startswith("127.")] or ["127.0.0.1"]


def public_base_url(port: int) -> str:
    """The base URL printed and put in QR codes: QUIZ_PUBLIC_URL, else the LAN address."""
    configured = os.environ.get("QUIZ_PUBLIC_URL", "").rstrip("/")
    if configured:
        return configured
    return f"http://{lan_addresses()[0]}:{port}"
