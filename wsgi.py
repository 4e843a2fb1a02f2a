import gc

from participate import create_app

app = create_app()
# gunicorn's workers fork from here (--preload) or import this module each: what the app has built so far
# lives as long as the worker, so the collector need not walk it on every full collection, and with
# --preload its memory pages stay shared with the master instead of being copied by the collector's writes.
gc.freeze()
