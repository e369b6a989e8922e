"""A trigram index for the customer name search, on PostgreSQL only.

``name__icontains`` becomes ``UPPER(name::text) LIKE UPPER('%…%')`` on PostgreSQL, which a B-tree
cannot serve: without this index every name search reads the whole table. A GIN index over the
trigrams of ``UPPER(name)`` (pg_trgm) serves it for queries of three characters or more; shorter
ones still scan (a two-character word has no trigram). pg_trgm is a trusted extension: the
database owner may create it. SQLite has no such index: there this migration does nothing.
"""

from django.db import migrations

INDEX = "customer_name_upper_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON customers_customer USING gin (UPPER(name::text) gin_trgm_ops)"
    )
    # Statistics on the indexed expression: without them the planner guesses how many names match
    # and may walk another index instead (an existing table is not re-analysed on its own soon).
    schema_editor.execute("ANALYZE customers_customer")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
