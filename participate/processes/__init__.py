"""Participatory processes: budget, districts, phases, per-process roles; public pages and staff screens."""
