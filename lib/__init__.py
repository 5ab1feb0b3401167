"""Generic helpers that know nothing of the union: no model of ours, no area.

Every module here is small, has its tests in ``tests/lib/``, and may be imported by any app.
"""
