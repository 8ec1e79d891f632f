"""Tests for careplan.interview."""
