"""Tests for careplan.documents."""
