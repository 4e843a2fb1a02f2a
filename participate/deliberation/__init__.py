"""Deliberation threads: comments, replies, stances and votes that attach to any registered subject."""
