"""Tests for careplan.mail."""
