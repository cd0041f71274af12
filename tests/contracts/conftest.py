from tests.contracts.db_fixtures import database, database_settings, postgres_settings

__all__ = ["database", "database_settings", "postgres_settings"]
