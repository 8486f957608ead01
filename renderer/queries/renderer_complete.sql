-- A report rendered: its files, durations and the daemon's peak memory.
SELECT api.complete_report(%(generation_id)s, %(worker)s, %(files)s, %(render_ms)s, %(peak_memory_kb)s)
