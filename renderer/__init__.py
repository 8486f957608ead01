"""nightcap: PostgreSQL-native scheduled reporting for hospitality venues.

The database does the work; this package sets it up (cluster, migrations),
renders finished reports and delivers them.
"""
