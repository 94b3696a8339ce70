"""Is an exception the database going away (a restart, a failover, a cut connection)? Django
wraps most driver errors in django.db.OperationalError/InterfaceError, but not all: closing a
server-side cursor whose connection died raises the driver's own (psycopg2.OperationalError).
Tasks that meet one try again a few seconds later (ledgers/tasks.py, reports/tasks.py)."""

from django.db import InterfaceError, OperationalError, connection


def database_gone(error: BaseException) -> bool:
    driver = connection.Database  # psycopg2, or sqlite3
    return isinstance(error, (OperationalError, InterfaceError, driver.OperationalError, driver.InterfaceError))
