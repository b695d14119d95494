"""The edges: the Telegram bot, the ``contractbot`` command line and the settings they share.

Importing this package must not import telegram; only ``bot.app`` and its handlers do.
"""
