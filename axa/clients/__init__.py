"""Outbound vendor adapters (FMP, CMC, Cbonds, Terrapin): client + fetchers per vendor."""
