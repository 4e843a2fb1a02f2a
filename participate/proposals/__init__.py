"""Proposals: residents' ideas for a process's budget, their supports and staff's feasibility review."""
