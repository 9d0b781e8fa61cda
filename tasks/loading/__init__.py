"""Loading: articles to Arrow tables and into the warehouse; stored articles back out for backfills."""
