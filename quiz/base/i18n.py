"""Language: Chinese first, English too; chosen from the browser, switchable with ?lang=."""
import os

from flask import request
from flask_babel import Babel

LANGUAGES = ("zh_CN", "en")
_COOKIE = "lang"


def normalize(lang: str | None) -> str | None:
    if not lang:
        return None
    lang = lang.replace("-", "_").lower()
    if lang.startswith("zh"):
        return "zh_CN"
    if lang.startswith("en"):
        return "en"
    return None


def select_locale() -> str:
    """?lang= first, then the cookie it set, then the browser's preference; Chinese by default."""
    chosen = normalize(request.args.get("lang")) or normalize(request.cookies.get(_COOKIE))
    if chosen:
        return chosen
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
    return normalize(best) or "zh_CN"


# Babel names zh_CN "zh_Hans_CN", and gettext then looks in zh_Hans_CN/ and zh/ only:
# each zh_CN catalogue is also compiled into zh/ (generated, git-ignored).
_ALSO_COMPILE_AS = {"zh_CN": "zh"}


def compile_catalogues(dirs: list[str]) -> None:
    """Build each .mo from its .po when missing or older (no separate build step needed)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for base in dirs:
        for dirpath, _dirs, files in os.walk(base):
            for name in files:
                if not name.endswith(".po"):
                    continue
                po = os.path.join(dirpath, name)
                targets = [po[:-3] + ".mo"]
                rel = os.path.relpath(po, base).split(os.sep)
                if rel[0] in _ALSO_COMPILE_AS:
                    targets.append(os.path.join(base, _ALSO_COMPILE_AS[rel[0]], *rel[1:])[:-3]
                                   + ".mo")
                for mo in targets:
                    if os.path.exists(mo) and os.path.getmtime(mo) >= os.path.getmtime(po):
                        continue
                    with open(po, "rb") as fh:
                        catalog = read_po(fh)
                    os.makedirs(os.path.dirname(mo), exist_ok=True)
                    tmp = mo + ".tmp"
                    with open(tmp, "wb") as fh:
                        write_mo(fh, catalog)
                    os.replace(tmp, mo)


def init_app(app):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    dirs = [os.path.join(root, "quiz", "translations"),
            os.path.join(root, "question_bank", "translations")]
    compile_catalogues(dirs)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(dirs))
    Babel(app, locale_selector=select_locale)

    @app.after_request
    def remember_language(response):
        lang = normalize(request.args.get("lang"))
        # a download in another language (results.xlsx?lang=en) does not switch the interface
        if lang and "attachment" not in response.headers.get("Content-Disposition", ""):
            response.set_cookie(_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax")
        return response

    @app.context_processor
    def language_context():
        from flask_babel import get_locale

        loc = str(get_locale() or "zh_CN")
        return {"lang": loc, "html_lang": "zh-CN" if loc.startswith("zh") else "en"}
