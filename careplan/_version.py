"""careplan's version: a leaf module, so reading it never imports the package's heavier parts."""

__version__ = "0.1.0"
