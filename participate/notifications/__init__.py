"""Notifications: in-app (a bell, a list) and email, with a per-kind email choice and one-click unsubscribe.

Other domains never import this package: they publish events (core.events) and `subscribers.py` turns
them into notifications. Followed processes and the nightly phase check live here too.
"""
