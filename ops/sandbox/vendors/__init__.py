"""One module per vendor: a blueprint with the endpoints, plus ``auth_error`` and ``fault_response``."""
