# BHIV Core tasks. `just --list` shows them.

set dotenv-load := false

# All six services in one process on the embedded default (SQLite, in-process cache and bus).
up *ARGS:
    bhiv up {{ARGS}}

# One service, configured from BHIV_* variables (production mode).
serve SERVICE *ARGS:
    bhiv serve {{SERVICE}} {{ARGS}}

# Apply database migrations to BHIV_DATABASE_URL.
migrate:
    bhiv migrate

# The test suite; set BHIV_TEST_POSTGRES_DSN / BHIV_TEST_REDIS_URL for the server variants.
test *ARGS:
    python -m pytest {{ARGS}}

# Lint and format check.
lint:
    ruff check .
    ruff format --check .

# Everything CI checks, against the local PostgreSQL and Redis.
check:
    bash .ci/run

# Benchmarks print their figures; nothing is asserted.
bench:
    for script in bench/*.py; do python "$script"; done
