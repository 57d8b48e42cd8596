"""contentful-reconcile: declarative reconciliation of Contentful content models."""

__version__ = "0.1.0"
