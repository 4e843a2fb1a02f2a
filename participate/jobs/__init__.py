"""Background jobs as records: what runs, how far it is, what it produced, who started it.

A domain registers a job kind (`@job_kind("audit.verify_chain", label=...)`) in its own `jobs.py`; a
use case calls `start_job(actor, kind, params)`, which adds a Job row and dispatches it after the
commit. The runner feeds the row's progress from the `progress(fraction, message)` callable it passes to
the work, so the job page and /jobs/<id>/status show it while it runs.
"""
