"""Roll-up dashboards: what a node's page shows, built from the roll-up store."""
