"""The tables a request wrote to, read from the statements it sent (CaptureQueriesContext): the
security matrices compare only their rows before and after a request, since no other row can
have changed."""

import re

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
READ = re.compile(r"^\s*(?:SELECT|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SET|SHOW|PRAGMA)\b", re.IGNORECASE)
UNTRACKED = {"django_session"}  # the session's own row is saved on every request


def written_tables(queries) -> set[str] | None:
    """The tables the captured statements wrote to (the session's aside); None when a statement
    may write somewhere it does not name as WRITE reads it (then every table is to be compared)."""
    tables = set()
    for query in queries.captured_queries:
        if match := WRITE.match(query["sql"]):
            tables.add(match[1])
        elif not READ.match(query["sql"]):
            return None
    return tables - UNTRACKED
