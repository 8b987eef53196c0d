"""Mandatory training ("Säkert Beteende"): requirements, LMS import and API, team and
region views, exports, KPI snapshots and the board report."""
