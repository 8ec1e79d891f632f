"""Tests for careplan.batch."""
