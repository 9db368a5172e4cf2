"""The generate stage: the compile view of a spec (ir), names, models, the package
templates, formatting, the content cache and the pinned tool versions."""
