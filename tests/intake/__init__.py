"""Tests for careplan.intake."""
