"""Scrapy settings: polite by default, because Scrapy's own defaults are not.

`crawler.run` layers each source's overrides on top of these.
"""
BOT_NAME = "hirewatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "hirewatch/0.1 (+https://github.com/hirewatch/hirewatch; job-posting monitor)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_TIMEOUT = 30

AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Waits between retries (crawler.middlewares.PoliteRetryMiddleware): the board's Retry-After,
# else RETRY_BACKOFF_BASE seconds doubling per attempt. A longer Retry-After than
# RETRY_AFTER_MAX fails the request rather than stall the crawl.
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 60.0
RETRY_AFTER_MAX = 120.0

# Conditional requests (ETag / Last-Modified): only 200s with a validator are cached, and a cached
# page is revalidated on every request and used only on a 304. Scrapy's DummyPolicy would serve
# stale pages without asking the board, and even its RFC2616Policy answers from the cache on
# heuristic freshness or in place of a 5xx.
HTTPCACHE_ENABLED = False
HTTPCACHE_POLICY = "crawler.middlewares.RevalidatePolicy"

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.PoliteRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "crawler.middlewares.RevalidatingCacheMiddleware": 900,
}

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

ITEM_PIPELINES = {
    "crawler.pipelines.NormalizePipeline": 100,
}

# On Scrapyd nodes the final stats are written next to the items feed, for the central daemon
# to fetch (crawler.extensions.StatsBesideFeed); local crawls write theirs from crawler.run.
HIREWATCH_STATS_BESIDE_FEED = False
EXTENSIONS = {
    "crawler.extensions.StatsBesideFeed": 1000,
}

FEED_EXPORT_ENCODING = "utf-8"
