"""The bank's size limits from the app config (BANK_MAX_* settings), for the CLI and the pages."""

from __future__ import annotations

from flask import current_app

from . import sheets
from .media_types import MediaLimits


def limits_from_config() -> sheets.Limits:
    """Limits, overridable with BANK_MAX_UPLOAD_BYTES / BANK_MAX_ROWS in the app config."""
    cfg = current_app.config
    base = sheets.Limits()
    return sheets.Limits(
        max_bytes=int(cfg.get("BANK_MAX_UPLOAD_BYTES", base.max_bytes)),
        max_rows=int(cfg.get("BANK_MAX_ROWS", base.max_rows)),
    )


def media_limits_from_config():
    """Media caps, overridable with BANK_MAX_IMAGE_BYTES, BANK_MAX_AV_BYTES,
    BANK_MAX_MEDIA_BYTES (per import) and BANK_MAX_BUNDLE_BYTES (a zip of sheet + media)."""
    cfg = current_app.config
    base = MediaLimits()
    return MediaLimits(
        max_image=int(cfg.get("BANK_MAX_IMAGE_BYTES", base.max_image)),
        max_av=int(cfg.get("BANK_MAX_AV_BYTES", base.max_av)),
        max_import=int(cfg.get("BANK_MAX_MEDIA_BYTES", base.max_import)),
        max_bundle=int(cfg.get("BANK_MAX_BUNDLE_BYTES", base.max_bundle)),
    )
