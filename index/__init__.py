"""Contract ingestion, clause trees and retrieval. No Telegram and no environment reads here."""
