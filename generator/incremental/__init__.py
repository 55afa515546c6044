"""What makes a rebuild fast: incident records, the sealed output cache, forked helpers."""
