"""Old name kept for question_bank/import_views.py until the merge (it calls ``media.is_bundle``).

The media code lives by job: media_types, media_store, bundles, media_collect, media_db,
media_web. At the merge import_views imports ``bundles`` and this module goes.
"""

from .bundles import is_bundle  # noqa: F401
