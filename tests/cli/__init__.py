"""Tests for careplan.cli."""
