"""Pure normalisers for what job boards print: salary, dates, workplace and
location, liveness, employment fields and description text.

No Scrapy and no other hirewatch package is imported here, so spiders, tests
and the store can all use these functions directly.
"""
