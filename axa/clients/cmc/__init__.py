"""cmc: client (auth, errors) and fetchers (one per dataset)."""
