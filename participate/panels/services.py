"""Use cases of citizens' panels (flush, never commit; the acting user is an argument)."""

from __future__ import annotations

from participate.panels.pool import PREFER_NOT_TO_SAY, engine_features, pool_for_engine

__all__ = ["PREFER_NOT_TO_SAY", "engine_features", "pool_for_engine"]
