"""Shared plumbing: the extension objects both packages may import.

They are created unbound here and bound to the app in ``quiz.factory.create_app``,
so importing a model or a handler never builds an app (no import cycles).
"""
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
BUSY_TIMEOUT_MS = 5000  # SQLite: how long a write waits for another's lock (quiz/factory.py)
socketio = SocketIO()
