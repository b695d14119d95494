"""Forum topics as Telegram keeps them, for the loopback Bot API (tests/botapi_server.py).

The server learns a chat's forum and its topics from the updates pushed (a chat with
``is_forum``, a message with ``is_topic_message``). A message the bot sends into a topic comes
back (and is kept, for edits and button presses) with ``message_thread_id`` and
``is_topic_message``; a reply goes where the message it replies to is (the reply wins over
``message_thread_id``), and a reply outside topics in a supergroup carries the reply chain's
``message_thread_id`` without ``is_topic_message``, as Telegram's does; a topic the forum does
not have (or no longer has: ``delete``) is a 400 "message thread not found", and one a member
closed (``close``) a 400 "TOPIC_CLOSED" (the bot is no admin there). No thread id: the
General topic, no topic fields.

A topic is created as in Telegram (``create``: createForumTopic, or a member's): a service
message ``forum_topic_created`` from its creator, whose id is the topic's ``message_thread_id``;
each message pushed into the topic that replies to no other message replies to that one
(``threaded``), as every message in a Telegram topic does. createForumTopic in a chat that is not
a forum is a 400 "the chat is not a forum".
"""

from __future__ import annotations

import json
from typing import Any

THREAD_NOT_FOUND = (400, "Bad Request: message thread not found")
TOPIC_CLOSED = (400, "Bad Request: TOPIC_CLOSED")
NOT_A_FORUM = (400, "Bad Request: the chat is not a forum")
BLUE = 0x6FB9F0  # the icon colour Telegram gives a topic created without one


class Topics:
    """The chats, forum topics and messages' topics the server knows."""

    def __init__(self) -> None:
        self.chats: dict[int, dict[str, Any]] = {}  # chat id -> the chat as last pushed
        self.topics: dict[int, set[int]] = {}  # forum chat id -> its topics' thread ids
        self.threads: dict[tuple[int, int], int | None] = {}  # (chat, message id) -> topic
        self.roots: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, topic) -> its creation
        self.closed: set[tuple[int, int]] = set()  # (chat, topic) closed by a member
        self.deleted: set[tuple[int, int]] = set()  # (chat, topic) deleted with its messages

    def learn(self, msg: dict[str, Any]) -> None:
        """Note a pushed (or sent) message's chat and its forum topic."""
        chat = msg.get("chat")
        if not isinstance(chat, dict) or "id" not in chat:
            return
        chat_id = int(chat["id"])
        self.chats.setdefault(chat_id, {})
        self.chats[chat_id] = {**self.chats[chat_id], **chat}
        topic = msg.get("message_thread_id") if msg.get("is_topic_message") else None
        if chat.get("is_forum") or topic is not None:
            self.topics.setdefault(chat_id, set())
        if topic is not None:
            self.topics[chat_id].add(int(topic))
        if "message_id" in msg:
            self.threads[(chat_id, int(msg["message_id"]))] = None if topic is None else int(topic)

    def create(self, chat_id: int, name: str, *, message_id: int, date: int,
               creator: dict[str, Any], icon_color: int | None = None,
               icon_custom_emoji_id: str | None = None) -> dict[str, Any]:
        """Create a topic of the forum ``chat_id``: the service message that says so (sent by
        ``creator``), whose id ``message_id`` is the topic's."""
        created: dict[str, Any] = {"name": name, "icon_color": BLUE if icon_color is None
                                   else int(icon_color)}
        if icon_custom_emoji_id:
            created["icon_custom_emoji_id"] = icon_custom_emoji_id
        service = {"message_id": message_id, "message_thread_id": message_id,
                   "is_topic_message": True, "date": date, "chat": self.chat(chat_id),
                   "from": creator, "forum_topic_created": created}
        self.learn(service)
        self.roots[(chat_id, message_id)] = service
        return service

    def close(self, chat_id: int, topic: int) -> None:
        """A member closes the topic: what the bot sends there is refused (TOPIC_CLOSED)."""
        self.closed.add((chat_id, topic))

    def reopen(self, chat_id: int, topic: int) -> None:
        """A member reopens the closed topic."""
        self.closed.discard((chat_id, topic))

    def delete(self, chat_id: int, topic: int) -> None:
        """A member deletes the topic: it is gone, and sending there is "message thread not
        found", also as a reply to a message that was in it."""
        self.topics.get(chat_id, set()).discard(topic)
        self.deleted.add((chat_id, topic))

    def threaded(self, msg: dict[str, Any]) -> dict[str, Any]:
        """``msg`` as Telegram delivers it: in a topic whose creation the server saw, a message
        that replies to no other replies to the service message that created the topic."""
        chat = msg.get("chat")
        topic = msg.get("message_thread_id") if msg.get("is_topic_message") else None
        if topic is None or not isinstance(chat, dict) or "reply_to_message" in msg:
            return msg
        root = self.roots.get((int(chat["id"]), int(topic)))
        if root is None or root["message_id"] == msg.get("message_id"):
            return msg
        return {**msg, "reply_to_message": root}

    def refusal(self, p: dict[str, Any]) -> tuple[int, str] | None:
        """Telegram's 400 to createForumTopic with parameters ``p``: the chat is not a forum."""
        return None if int(p.get("chat_id", 0)) in self.topics else NOT_A_FORUM

    def chat(self, chat_id: int) -> dict[str, Any]:
        """The chat as Telegram describes it in a message (as pushed, when it was)."""
        return dict(self.chats.get(chat_id) or {
            "id": chat_id, "type": "private" if chat_id > 0 else "supergroup"})

    def placing(self, p: dict[str, Any]) -> tuple[dict[str, Any], tuple[int, str] | None]:
        """The topic fields of a message sent with parameters ``p``, or Telegram's 400.

        A reply goes into the topic of the message it replies to (the reply wins over
        ``message_thread_id``); in a supergroup a reply outside topics is in the reply chain's
        thread (``message_thread_id`` set, no ``is_topic_message``). Else ``message_thread_id``
        names a topic the forum must have; none is the General topic."""
        chat = int(p.get("chat_id", 0))
        replied = _replied_id(p)
        if replied is not None and (chat, replied) in self.threads:
            topic = self.threads[(chat, replied)]
            if (chat, topic) in self.deleted:
                return {}, THREAD_NOT_FOUND
            if (chat, topic) in self.closed:
                return {}, TOPIC_CLOSED
            if topic is not None:
                return {"message_thread_id": topic, "is_topic_message": True}, None
            return ({"message_thread_id": replied} if chat < 0 else {}), None
        thread = p.get("message_thread_id")
        if thread is None or chat not in self.topics:
            return {}, None
        if int(thread) not in self.topics[chat]:
            return {}, THREAD_NOT_FOUND
        if (chat, int(thread)) in self.closed:
            return {}, TOPIC_CLOSED
        return {"message_thread_id": int(thread), "is_topic_message": True}, None


def _replied_id(p: dict[str, Any]) -> int | None:
    """The id of the message a send replies to (reply_parameters or reply_to_message_id)."""
    reply = p.get("reply_parameters")
    if isinstance(reply, str):
        reply = json.loads(reply) if reply else None
    if isinstance(reply, dict) and reply.get("message_id") is not None:
        return int(reply["message_id"])
    return None if p.get("reply_to_message_id") is None else int(p["reply_to_message_id"])


def forum_topic(service: dict[str, Any]) -> dict[str, Any]:
    """The ForumTopic object createForumTopic answers, of the topic ``service`` created."""
    return {"message_thread_id": service["message_thread_id"], **service["forum_topic_created"]}
