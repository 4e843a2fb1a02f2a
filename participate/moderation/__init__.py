"""Moderation: residents report content, moderators hide or restore it, staff block authors."""
