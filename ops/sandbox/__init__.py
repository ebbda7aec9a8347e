"""The vendor sandbox: FMP, CoinMarketCap, Cbonds and Terrapin, served locally (DESIGN.md section 6).

``python -m ops.sandbox`` serves it; ``ops.sandbox.app`` builds it (``create_sandbox_app``,
``start_in_thread``). See ``ops/sandbox/README.md`` for the control API.
"""
