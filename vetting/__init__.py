"""The directory's domain package: data schemas, loading, filters, checklists, scoring, costs
and the claim audit. It never imports streamlit; the pages call it."""

from .loader import Directory, Problem, load_directory

__all__ = ["Directory", "Problem", "load_directory"]
