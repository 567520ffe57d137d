"""A version per resource document, for "update if the version is still V" (store/documents.py).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite adds a NOT NULL column in place when it has a default; existing documents start at 1.
    op.add_column("resources", sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    # The old marker of the schema's version: Alembic's own table says it from now on.
    op.execute("DELETE FROM store_meta WHERE name = 'schema_version'")


def downgrade() -> None:
    with op.batch_alter_table("resources") as batch:
        batch.drop_column("version")
    op.execute("INSERT INTO store_meta (name, value) VALUES ('schema_version', '1')")
