"""The spec layer every other part stands on: load, YAML events, refs, walk, expansion,
problems and the project's configuration. It imports nothing of lint or generate."""
