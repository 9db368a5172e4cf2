"""``specbind validate``: offline contract checks of captured JSON, JSON Lines and HAR traffic.

The modules, in the order data flows through them:

- ``_inputs`` reads each input, detects its kind and cuts it into units (one per body,
  line or HAR entry), reading JSON Lines line by line with a bounded line length;
- ``_har`` turns one HAR entry into an exchange (request and response);
- ``_operations`` indexes the spec: which operation a request is, its parameters and
  responses;
- ``_json`` parses one payload safely; ``_schema`` and ``_unknown`` are the JSON Schema
  layer, and ``_fast`` the first look (jsonschema-rs) that spares it the payloads it
  would find nothing in; ``_models`` is the generated-model layer;
- ``_check`` turns one unit into a result with all its findings;
- ``_validator`` is the public :class:`Validator` the command runs on: options in,
  results out, the spec loaded once per process;
- ``_run`` drives the units through one or more processes, in order; ``_dask`` through a
  Dask cluster, JSON Lines files cut into byte ranges at line starts;
- ``_drift`` and ``_report`` summarise and print.

``_finding`` holds the shape of findings and results and how values are shown in them;
``_redact`` keeps credentials out of every report.
"""
