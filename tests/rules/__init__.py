"""Tests for careplan.rules."""
