"""sdkgen: turns hand-curated OpenAPI 3.x specs into typed Python client packages.

The pipeline is load → validate → parse (IR) → render → format → write; each stage is a module of this
package and hands a plain value to the next. Only `write` touches disk and only `cli` prints.
"""

__version__ = "0.1.0"
