"""``specbind diff``: what a spec change breaks, before the bindings are regenerated.

The modules, in the order a diff uses them:

- ``_source`` reads OLD and NEW from files, or from git as ``REV:path``;
- ``_schema_diff`` walks both specs by operation and classifies every change, with
  ``_parameters`` for request parameters, ``_schemas`` for response bodies, ``_shape`` for
  what a schema means (type, nullability, enum) and ``_wording`` for descriptions that
  change a constraint; ``_change`` holds the rule table and the shape of a change;
- ``_api_diff`` generates both versions in memory and compares the public Python names
  that ``_surface`` reads from the generated source with ``ast``;
- ``_fixtures`` checks stored captures against both versions and lists verdict flips;
- ``_report`` (text, json) and ``_markdown`` print the result.

The command line is ``specbind._cli._diff``.
"""
