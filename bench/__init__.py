"""Benchmarks (DESIGN.md §8): each runs the work and its reference side by side in one process tree
and prints ratios, ending with one ``RESULT <name> ...`` line. ``python -m bench`` runs them all."""

BENCHMARKS = ("auth_me", "login", "ingest", "quotes_read", "socweb_feed", "socweb_fanout", "socweb_notify",
              "conduit_articles", "socweb_search", "media", "stream_hook", "stream_golive", "stream_chat",
              "stream_chat_libraries",
              "stream_heartbeat", "cmc_listings", "alerts_eval", "terminal_matching", "terminal_orders",
              "diary_import", "footprint")
