"""One factory per subsystem; each builds a fresh app through the shared steps."""
from axa.platform.factory import create_app


def create_auth_app(overrides=None):
    return create_app("auth", overrides)


def create_socweb_app(overrides=None):
    return create_app("socweb", overrides)


def create_stocks_app(overrides=None):
    return create_app("stocks", overrides)


def create_cmc_app(overrides=None):
    return create_app("cmc", overrides)


def create_stream_app(overrides=None):
    return create_app("stream", overrides)


def create_terminal_app(overrides=None):
    return create_app("terminal", overrides)


FACTORIES = {"auth": create_auth_app, "socweb": create_socweb_app, "stocks": create_stocks_app,
             "cmc": create_cmc_app, "stream": create_stream_app, "terminal": create_terminal_app}
