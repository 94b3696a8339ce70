from tests.ledgers.conftest import _ledger_settings, ledger  # noqa: F401 (the ledger tests' fixtures)
