"""Serving the app as several replicas behind nginx (see docs/DEPLOY.md)."""
