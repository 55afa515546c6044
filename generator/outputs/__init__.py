"""Everything a build writes, rendered in memory: pages, feeds, the API, badges, the calendar."""
