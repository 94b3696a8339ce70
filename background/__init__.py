"""Background work on Celery: the app (background/celery.py), its settings (background/conf.py)
and the record of the periodic checks' last results. Tasks live beside their domain
(ledgers/tasks.py, ...); `celery -A background worker` runs them."""
