"""Who may ask and who may upload: chat allow-list and admin user ids from the settings."""

from __future__ import annotations

from .settings import Settings


def chat_allowed(settings: Settings, chat_id: int, *, user_id: int | None = None) -> bool:
    """True when the chat is allow-listed (an admin's own private chat is always allowed)."""
    if chat_id in settings.allowed_chats:
        return True
    return user_id is not None and user_id in settings.admins and chat_id == user_id


def is_admin(settings: Settings, user_id: int | None) -> bool:
    """True when ``user_id`` is one of CONTRACTBOT_ADMINS."""
    return user_id is not None and user_id in settings.admins
