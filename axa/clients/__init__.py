"""Outbound vendor adapters (FMP, CMC, Cbonds, Terrapin): client + fetchers per vendor.

    from axa.clients.limits import VendorLimiter
    from axa.clients.registry import FETCHERS, make_client

    client = make_client("cmc", limiter=VendorLimiter.from_env())   # AXA_CMC_* (axa.platform.config)
    result = FETCHERS["cmc"]["cryptocurrency/listings/latest"].fetch(client, {"limit": 5000})
    result.records        # InstrumentRecord / QuoteRecord ... (axa.clients.records)
    result.rejects        # [(reason, raw row)]: quarantine these, write the rest
    result.raw.credit_count

Modules: ``errors`` (the one error hierarchy), ``records`` (standard records), ``values``
(parsing numbers and times), ``http`` (the base client), ``fetcher`` (the fetcher split),
``limits`` (Redis token bucket, quotas, pauses),
``registry`` (vendor -> client class and fetchers), and one package per vendor.
"""
