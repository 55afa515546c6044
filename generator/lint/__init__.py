"""The communication linter: its runner, its rules and the metrics of `statuspress report`."""
