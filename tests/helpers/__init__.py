"""Helpers for the tests (never named test_*): PDF reading, the interview driver, the intake strategies."""
